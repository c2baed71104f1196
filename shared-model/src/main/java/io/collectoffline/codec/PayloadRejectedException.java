package io.collectoffline.codec;

/** A payload that cannot be opened: sealed with an unknown key, or altered since it was sealed. */
public class PayloadRejectedException extends RuntimeException {

    public PayloadRejectedException(String message) {
        super(message);
    }
}
