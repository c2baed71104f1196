package io.collectoffline.server.users;

/** The account change contradicts what exists: the name is taken, or it would leave no enabled admin. */
public class UserConflictException extends RuntimeException {

    public UserConflictException(String message) {
        super(message);
    }
}
