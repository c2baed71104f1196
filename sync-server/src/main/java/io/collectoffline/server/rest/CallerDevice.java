package io.collectoffline.server.rest;

import io.collectoffline.server.devices.Device;
import jakarta.enterprise.context.RequestScoped;

/** The device that authenticated the current request (set by {@link AuthFilter} on device endpoints). */
@RequestScoped
public class CallerDevice {

    private Device device;

    void set(Device device) {
        this.device = device;
    }

    public Device get() {
        if (device == null) {
            throw new IllegalStateException("no authenticated device on this request");
        }
        return device;
    }
}
