package io.collectoffline.codec;

/**
 * A payload that authenticated but was compressed with a dictionary this node does not ship: it comes from a newer
 * app (ADR 15). Like a newer schema version it is not wrong, only not yet readable here — a server holds it DEFERRED
 * until it is upgraded, a laptop stops its down-sync before it.
 */
public class PayloadFromNewerAppException extends PayloadRejectedException {

    private final String dictionary;

    public PayloadFromNewerAppException(String dictionary) {
        super("payload is compressed with dictionary " + dictionary
                + ", which this app does not ship: it comes from a newer app");
        this.dictionary = dictionary;
    }

    /** The unknown dictionary's id, in hex. */
    public String dictionary() {
        return dictionary;
    }
}
