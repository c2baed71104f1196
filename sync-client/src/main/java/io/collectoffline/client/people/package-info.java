/** Who enters data on this laptop: accounts from the server, offline logins, the lock after idle time. */
package io.collectoffline.client.people;
