package io.collectoffline.protocol;

import java.util.List;
import java.util.UUID;

/**
 * Which of these transactions of one producer does the receiver hold? Asked before sending, so that what arrived
 * by another route is not sent again. The answer is by txId (identity), never by seq alone: a restored laptop's
 * new transaction may carry a seq the receiver holds with another transaction.
 *
 * @param txIds at most 1000 transactions
 */
public record HeldQuery(List<UUID> txIds) {

    /** The most txIds one query may name. */
    public static final int MAX = 1000;
}
