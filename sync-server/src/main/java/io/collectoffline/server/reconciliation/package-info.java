/** The lab's specimen reconciliation: received requisitions against tubes marked in hand at the lab. */
package io.collectoffline.server.reconciliation;
