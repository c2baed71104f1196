package io.collectoffline.protocol;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The producer of a transaction: a device id, or a device id and a stream ({@code laptop-01~k3x9q2ab}). A device
 * starts on the stream named by its id alone; it moves to a new stream when its sequence diverged from what a
 * server holds (a laptop restored from a backup, reinstalled with the same id, or cloned from another's image), so
 * that its new changes never reuse a seq the server holds with another transaction (README, Guarantees 8). Each
 * stream has its own gap-free seq; every stream of a device is that device's, for authorisation and sites.
 */
public final class ProducerId {

    /** Separates the device id from the stream. */
    public static final char STREAM_SEPARATOR = '~';

    /** The accepted form: a device id, optionally {@code ~} and 1 to 12 lowercase letters or digits. */
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,35}(~[a-z0-9]{1,12})?");

    /** How the form is described in error messages. */
    public static final String DESCRIPTION = "a device id (" + DeviceId.DESCRIPTION
            + "), optionally followed by '~' and a stream of 1 to 12 lowercase letters or digits";

    private ProducerId() {}

    public static boolean isValid(String producer) {
        return producer != null && PATTERN.matcher(producer).matches();
    }

    /** The device a producer belongs to (the producer itself on a device's first stream). */
    public static String deviceOf(String producer) {
        int at = producer.indexOf(STREAM_SEPARATOR);
        return at < 0 ? producer : producer.substring(0, at);
    }

    /** A new stream of {@code deviceId}, unique without coordination (clones of one laptop pick different ones). */
    public static String newStream(String deviceId) {
        String random = UUID.randomUUID().toString().replace("-", "");
        return deviceId + STREAM_SEPARATOR + random.substring(0, 8);
    }
}
