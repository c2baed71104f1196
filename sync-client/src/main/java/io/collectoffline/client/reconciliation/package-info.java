/**
 * Reconciliation on a middleman: the manifests' ready items against the items in hand; marking one writes a captured
 * receipt. Built from the model metadata ({@link io.collectoffline.offline.TrackedItems}).
 */
package io.collectoffline.client.reconciliation;
