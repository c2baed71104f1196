package io.collectoffline.client.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.collectoffline.client.TestDb;
import io.collectoffline.client.identity.NodeIdentity;
import io.collectoffline.codec.DeviceSigningKey;
import io.collectoffline.protocol.TransactionEnvelope;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A laptop upgraded from a release that did not sign has pending changes without a signature: the start signs them
 * (servers that require signatures refuse them otherwise, Guarantees 10), and finds out that there are none with one
 * plain statement.
 */
@QuarkusTest
class SignAtStartTest {

    @Inject
    TestDb db;

    @Inject
    OutboxService outbox;

    @Inject
    NodeIdentity identity;

    @Test
    void aPendingChangeCapturedBeforeTheLaptopSignedIsSignedAtTheNextStart() {
        outbox.signQueue(null); // whatever earlier tests left
        assertThat(outbox.anyUnsigned()).isFalse();
        UUID household = db.newHousehold(TestDb.uniqueIdentifier("UNSIGNED"));
        // as a laptop of the release before signatures captured it
        assertThat(db.update(
                        "UPDATE outgoing_transaction SET signer = NULL, signature = NULL WHERE record_id = ?",
                        household))
                .isEqualTo(1);
        assertThat(outbox.anyUnsigned()).isTrue();

        outbox.signQueue(null);

        assertThat(outbox.anyUnsigned()).isFalse();
        List<Object> row = db.rows(
                        "SELECT tx_id, producer, seq, model, record_id, action, key_id, payload, signer, signature "
                                + "FROM outgoing_transaction WHERE record_id = ?",
                        household)
                .get(0);
        DeviceSigningKey key = identity.signingKey();
        TransactionEnvelope envelope = TestDb.envelope(row);
        assertThat(row.get(8)).isEqualTo(key.keyId());
        assertThat(key.verifies(envelope, (byte[]) row.get(9))).isTrue();
    }
}
