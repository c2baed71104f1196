package io.collectoffline.server.users;

/**
 * A login that did not succeed. The message is the same for an unknown name, a wrong password and a disabled
 * account (nothing is revealed about which); a locked account says until when.
 */
public class LoginFailedException extends RuntimeException {

    public LoginFailedException(String message) {
        super(message);
    }
}
