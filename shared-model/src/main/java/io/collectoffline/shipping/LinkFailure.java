package io.collectoffline.shipping;

/**
 * A link could not carry a request, classified once by the link's transport so the engine treats every hop alike.
 */
public class LinkFailure extends RuntimeException {

    /** What kind of failure, and so what the engine does about it. */
    public enum Kind {
        /** Unreachable, 5xx, 429, an unreadable answer: keep everything pending, back off, try again. */
        UNAVAILABLE,
        /** The request took longer than the link allows: a smaller batch may pass (slow field links). */
        TIMEOUT,
        /** The next hop refused the request as too large (413): a smaller batch passes. */
        TOO_LARGE,
        /** The next hop refused this node's credentials (401/403): stop the link until someone fixes them. */
        AUTH_REFUSED,
        /** The next hop refused the request for another reason (another 4xx): back off like UNAVAILABLE. */
        REFUSED
    }

    private final Kind kind;

    public LinkFailure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public LinkFailure(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** Whether a smaller request (half the batch, half the page) may pass where this one failed. */
    public boolean smallerMayPass() {
        return kind == Kind.TOO_LARGE || kind == Kind.TIMEOUT;
    }

    /** The HTTP status classified the way every link classifies it; null for a success (200, 201, 204). */
    public static Kind ofHttpStatus(int status) {
        if (status == 200 || status == 201 || status == 204) {
            return null;
        }
        if (status == 401 || status == 403) {
            return Kind.AUTH_REFUSED;
        }
        if (status == 413) {
            return Kind.TOO_LARGE;
        }
        if (status == 408 || status == 504) {
            return Kind.TIMEOUT;
        }
        if (status == 429 || status >= 500) {
            return Kind.UNAVAILABLE;
        }
        return Kind.REFUSED;
    }
}
