package io.collectoffline.server.users;

/** No account of that name. */
public class UserNotFoundException extends RuntimeException {

    public UserNotFoundException(String username) {
        super("No account '" + username + "'");
    }
}
