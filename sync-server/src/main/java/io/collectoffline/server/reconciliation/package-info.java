/**
 * The lab's reconciliation: tracked items received (drawn requisitions in the example study) against items marked in
 * hand at the lab, built from the model metadata ({@link io.collectoffline.offline.TrackedItems}).
 */
package io.collectoffline.server.reconciliation;
