package io.collectoffline.protocol;

import java.util.List;

/**
 * Specimens requisitioned against specimens in hand, at one stage of their journey (the middleman's cool box, or
 * the lab). Identifiers only: no participant data.
 *
 * @param stage                  MIDDLEMAN or LAB
 * @param requisitioned          requisition identifiers drawn (from the manifests, or received requisitions)
 * @param inHand                 identifiers marked in hand at this stage
 * @param requisitionedNotInHand drawn but not found: chase them
 * @param inHandNotRequisitioned found but never requisitioned: a labelling error or a requisition not yet synced
 */
public record ReconciliationReport(
        String stage,
        List<String> requisitioned,
        List<String> inHand,
        List<String> requisitionedNotInHand,
        List<String> inHandNotRequisitioned) {

    /** Compares the two sets (both sorted in the report). */
    public static ReconciliationReport of(String stage, List<String> requisitioned, List<String> inHand) {
        List<String> wanted = requisitioned.stream().distinct().sorted().toList();
        List<String> found = inHand.stream().distinct().sorted().toList();
        return new ReconciliationReport(
                stage,
                wanted,
                found,
                wanted.stream().filter(id -> !found.contains(id)).toList(),
                found.stream().filter(id -> !wanted.contains(id)).toList());
    }
}
