package io.collectoffline.server.devices;

/** An enrolment or revocation that contradicts what is stored (id taken, already revoked). */
public class DeviceConflictException extends RuntimeException {

    public DeviceConflictException(String message) {
        super(message);
    }
}
