/** The server's admin page (Qute shell); all data comes from the admin API with the admin token. */
package io.collectoffline.server.pages;
