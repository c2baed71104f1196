/** HTTP concerns shared by the laptop's resources: RFC 9457 problem answers for every error (invariant 7). */
package io.collectoffline.client.api;
