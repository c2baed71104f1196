/** Specimen reconciliation on a middleman: manifests against tubes in hand; marking one writes a captured receipt. */
package io.collectoffline.client.reconciliation;
