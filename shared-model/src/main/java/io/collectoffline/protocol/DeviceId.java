package io.collectoffline.protocol;

import java.util.regex.Pattern;

/**
 * The shape of a device id (a producer, a sender): 1 to 36 letters, digits, '.', '_' or '-', not starting with a
 * sign.
 */
public final class DeviceId {

    /** The accepted form. */
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,35}");

    /** How the form is described in error messages. */
    public static final String DESCRIPTION =
            "1 to 36 letters, digits, '.', '_' or '-', starting with a letter or digit";

    private DeviceId() {}

    public static boolean isValid(String id) {
        return id != null && PATTERN.matcher(id).matches();
    }
}
