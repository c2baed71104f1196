package io.collectoffline.server.config;

import io.collectoffline.codec.ServerPublicKey;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.Batch;
import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionResult;
import io.collectoffline.protocol.TransactionStatus;
import io.collectoffline.protocol.Watermark;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Types that Jackson or a service loader instantiate by reflection outside REST signatures (forwarding, export
 * files, the key ring's files, the config interceptor), registered for the native image. The published offline
 * model sets and their models are registered by {@link io.collectoffline.offline.OfflineModelsFeature}.
 */
@RegisterForReflection(
        targets = {
            Batch.class,
            BatchResult.class,
            TransactionResult.class,
            TransactionStatus.class,
            TransactionEnvelope.class,
            Action.class,
            Watermark.class,
            ServerPublicKey.class,
            DatabaseSelection.class
        },
        classNames = "io.collectoffline.codec.KeyRing$StoredKey")
public final class NativeRegistrations {

    private NativeRegistrations() {}
}
