package io.collectoffline.client.keys;

import io.collectoffline.codec.ServerPublicKey;

/** The server's current key changed: new payloads are sealed to {@code key} from now on; capture observes it. */
public record ServerKeyRotated(ServerPublicKey key) {}
