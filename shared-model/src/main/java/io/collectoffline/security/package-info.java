/** What server and laptop share to know people: password hashes an account carries from the server to the laptops. */
package io.collectoffline.security;
