package io.collectoffline.protocol;

/** What a transaction did to its record. */
public enum Action {
    INSERT,
    UPDATE,
    DELETE
}
