/** The laptop app: its entry point, which starts the app or runs its CLI. */
package io.collectoffline.client;
