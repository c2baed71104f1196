/** The laptop's status page in JSON: capture, outbox and push together. */
package io.collectoffline.client.status;
