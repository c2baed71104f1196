package io.collectoffline.client.config;

import io.collectoffline.codec.ServerPublicKey;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.Batch;
import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.Held;
import io.collectoffline.protocol.HeldQuery;
import io.collectoffline.protocol.ItemManifest;
import io.collectoffline.protocol.KeyRegistration;
import io.collectoffline.protocol.OutboxAcks;
import io.collectoffline.protocol.OutboxPage;
import io.collectoffline.protocol.Problem;
import io.collectoffline.protocol.ReconciliationReport;
import io.collectoffline.protocol.StreamPosition;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionResult;
import io.collectoffline.protocol.TransactionStatus;
import io.collectoffline.protocol.Watermark;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Types that Jackson reads or writes by reflection outside REST signatures (the transport's own ObjectMapper calls,
 * the strict data entry mapper), registered for the native image where Quarkus cannot see them being used. The
 * offline models are not listed here: {@link io.collectoffline.offline.OfflineModelsFeature} registers what the
 * published model sets hold.
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
            Held.class,
            HeldQuery.class,
            KeyRegistration.class,
            StreamPosition.class,
            ServerPublicKey.class,
            OutboxPage.class,
            OutboxAcks.class,
            ItemManifest.class,
            Problem.class,
            Problem.FieldError.class,
            ReconciliationReport.class
        },
        classNames = "io.collectoffline.client.transport.FieldLaptopClient$AckAnswer")
public final class NativeRegistrations {

    private NativeRegistrations() {}
}
