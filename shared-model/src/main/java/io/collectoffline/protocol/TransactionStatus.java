package io.collectoffline.protocol;

/** What a receiving node did with one transaction of a batch. */
public enum TransactionStatus {
    /** Stored now, durably: the sender may mark it delivered. */
    ACCEPTED,
    /** Already stored with identical content: the sender may mark it delivered. */
    DUPLICATE,
    /** Refused (reason given), never applied: the sender keeps it and shows it; re-sending will not help. */
    REJECTED
}
