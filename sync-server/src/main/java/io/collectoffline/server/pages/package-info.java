/** The server's page (Qute shell); all data comes from the API with the logged-in person's session. */
package io.collectoffline.server.pages;
