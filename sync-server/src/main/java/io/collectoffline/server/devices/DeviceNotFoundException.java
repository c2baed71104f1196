package io.collectoffline.server.devices;

/** No device enrolled with that id. */
public class DeviceNotFoundException extends RuntimeException {

    public DeviceNotFoundException(String deviceId) {
        super("No device enrolled as '" + deviceId + "'");
    }
}
