/** The laptop's command line: tasks a field worker runs against the laptop app running beside it (files). */
package io.collectoffline.client.cli;
