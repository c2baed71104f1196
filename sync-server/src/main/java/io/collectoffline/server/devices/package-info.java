/**
 * Enrolled devices: tokens shown once and stored hashed, roles (field devices send only their own transactions,
 * middleman and server devices relay), revocation, last seen. DESIGN §7.
 */
package io.collectoffline.server.devices;
