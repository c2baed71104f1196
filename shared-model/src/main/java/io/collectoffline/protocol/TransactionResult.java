package io.collectoffline.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.UUID;

/**
 * The receiver's answer for one transaction.
 *
 * @param txId   the transaction
 * @param status ACCEPTED, DUPLICATE or REJECTED
 * @param reason why it was rejected; absent otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransactionResult(UUID txId, TransactionStatus status, String reason) {
}
