/** The server's admin CLI (picocli): devices, keys, files, status, models, without starting a second server. */
package io.collectoffline.server.cli;
