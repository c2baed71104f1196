package io.collectoffline.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.UUID;

/**
 * The receiver's answer for one transaction.
 *
 * @param txId   the transaction
 * @param status ACCEPTED, DUPLICATE or REJECTED
 * @param reason why it was rejected; absent otherwise
 * @param type   for some refusals, a stable problem type the sender acts on (e.g. {@link #SEQ_TAKEN}); absent
 *               otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransactionResult(UUID txId, TransactionStatus status, String reason, String type) {

    /**
     * The producer's seq is held by the receiver with another transaction: the producer's stream diverged from what
     * the receiver holds (restored backup, reinstall, cloned image). The producer re-issues it on a new stream.
     */
    public static final String SEQ_TAKEN = "urn:collect-offline:problem:seq-taken";

    public TransactionResult(UUID txId, TransactionStatus status, String reason) {
        this(txId, status, reason, null);
    }
}
