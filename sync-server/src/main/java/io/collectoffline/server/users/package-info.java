/** Named people on the server: accounts with one role each, their passwords, API tokens and page sessions. */
package io.collectoffline.server.users;
