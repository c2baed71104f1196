/**
 * A Quarkus app of the laptop app's extensions with nothing of ours: one entity, one migration, one resource. The
 * benchmark starts it beside the laptop app so that the difference shows what our code costs at start.
 */
package io.collectoffline.minimal;
