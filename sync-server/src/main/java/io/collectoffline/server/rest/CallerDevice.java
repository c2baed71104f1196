package io.collectoffline.server.rest;

import io.collectoffline.server.devices.Device;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;

/** The device that authenticated the current request (role {@link Roles#DEVICE}). */
@RequestScoped
public class CallerDevice {

    private final SecurityIdentity identity;

    CallerDevice(SecurityIdentity identity) {
        this.identity = identity;
    }

    public Device get() {
        Device device = identity.getAttribute(TokenIdentityProvider.DEVICE);
        if (device == null) {
            throw new IllegalStateException("no authenticated device on this request");
        }
        return device;
    }
}
