package io.collectoffline.client.downsync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.client.TestDb;
import io.collectoffline.client.identity.NodeIdentity;
import io.collectoffline.codec.DeviceSealingKey;
import io.collectoffline.codec.DeviceSigningKey;
import io.collectoffline.codec.PayloadDictionaries;
import io.collectoffline.codec.SealedCodec;
import io.collectoffline.codec.SealedPayload;
import io.collectoffline.codec.ServerPublicKey;
import io.collectoffline.offline.RecordSnapshot;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.DownSyncEntry;
import io.collectoffline.protocol.DownSyncPage;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionHeader;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Applying the down-sync on the laptop (issue 17, ADR 14): received changes are written without echo and with their
 * history, a page applied twice changes nothing, a pending local edit is never overwritten silently (the server's
 * verdict decides), and a payload of a schema version newer than the app stops the down-sync with "update".
 */
@QuarkusTest
class DownSyncApplierTest {

    private static final String REMOTE = "laptop-remote";
    /** The server's signing key, as this test app's laptop pins it from the first page. */
    static final DeviceSigningKey SERVER = DeviceSigningKey.generate();

    @Inject
    DownSyncApplier applier;

    @Inject
    NodeIdentity identity;

    @Inject
    TestDb db;

    @Test
    void aReceivedChangeIsWrittenWithItsHistoryAndCapturedAsNothing() throws Exception {
        ObjectNode fields = remoteHousehold(TestDb.uniqueIdentifier("HH"));
        long outgoing = db.outgoing();
        UUID id = UUID.fromString(fields.get("id").asText());
        UUID txId = UUID.randomUUID();

        DownSyncApplier.Applied applied = apply(entry(txId, REMOTE, Action.INSERT, fields, 2, false));

        assertThat(applied.applied()).isEqualTo(1);
        assertThat(db.outgoing()).as("nothing echoes back up").isEqualTo(outgoing);
        assertThat(db.rows("SELECT village, device_created, user_modified FROM household WHERE id = ?", id))
                .containsExactly(List.of("Remote village", REMOTE, "remote-user"));
        assertThat(db.rows(
                        "SELECT tx_id, producer, device_id, changed_by, rev FROM record_history WHERE record_id = ?",
                        id))
                .containsExactly(List.of(txId, REMOTE, REMOTE, "remote-user", 1L));
    }

    @Test
    void aPageAppliedTwiceChangesNothing() throws Exception {
        ObjectNode fields = remoteHousehold(TestDb.uniqueIdentifier("HH"));
        UUID txId = UUID.randomUUID();
        long at = applier.state().checkpoint();
        DownSyncPage page = page(at, List.of(entry(txId, REMOTE, Action.INSERT, fields, 2, false)));

        assertThat(applier.apply(page).applied()).isEqualTo(1);
        DownSyncApplier.Applied again = applier.apply(page); // the answer to a request repeated after a timeout
        DownSyncApplier.Applied resent =
                apply(entry(txId, REMOTE, Action.INSERT, fields, 2, false)); // the same txId at a later position

        assertThat(again.applied()).isZero();
        assertThat(again.checkpoint()).isEqualTo(at + 1);
        assertThat(resent.applied()).isZero();
        assertThat(db.count(
                        "SELECT COUNT(*) FROM household WHERE id = ?",
                        UUID.fromString(fields.get("id").asText())))
                .isEqualTo(1);
        assertThat(db.count("SELECT COUNT(*) FROM received_transaction WHERE tx_id = ?", txId))
                .isEqualTo(1);
    }

    @Test
    void aReceivedVersionNeverOverwritesAPendingLocalEditAndIsWrittenWhenTheServerSaysTheEditLost() throws Exception {
        UUID local = db.newHousehold(TestDb.uniqueIdentifier("HH"));
        UUID ownTx = (UUID) db.rows("SELECT tx_id FROM outgoing_transaction WHERE record_id = ?", local)
                .get(0)
                .get(0);
        ObjectNode theirs = ownSnapshot(local);
        theirs.put("village", "Edited elsewhere");
        theirs.put("version", 1);
        UUID theirTx = UUID.randomUUID();

        DownSyncApplier.Applied held = apply(entry(theirTx, REMOTE, Action.UPDATE, theirs, 2, false));

        assertThat(held.held()).isEqualTo(1);
        assertThat(db.rows("SELECT village FROM household WHERE id = ?", local))
                .containsExactly(List.of("Lentsweletau"));

        DownSyncApplier.Applied verdict = apply(overruled(ownTx, identity.producer(), local));

        assertThat(verdict.verdicts()).isEqualTo(1);
        assertThat(db.rows("SELECT village FROM household WHERE id = ?", local))
                .containsExactly(List.of("Edited elsewhere"));
        assertThat(applier.heldBack()).isZero();
    }

    @Test
    void aPendingLocalEditThatWinsStaysAndTheHeldVersionIsDropped() throws Exception {
        UUID local = db.newHousehold(TestDb.uniqueIdentifier("HH"));
        List<Object> own = db.rows("SELECT tx_id FROM outgoing_transaction WHERE record_id = ?", local)
                .get(0);
        ObjectNode theirs = ownSnapshot(local);
        theirs.put("village", "Edited elsewhere");
        apply(entry(UUID.randomUUID(), REMOTE, Action.UPDATE, theirs, 2, false));

        DownSyncApplier.Applied verdict =
                apply(entry((UUID) own.get(0), identity.producer(), Action.INSERT, ownSnapshot(local), 2, false));

        assertThat(verdict.verdicts()).isEqualTo(1);
        assertThat(db.rows("SELECT village FROM household WHERE id = ?", local))
                .containsExactly(List.of("Lentsweletau"));
        assertThat(applier.heldBack()).isZero();
    }

    @Test
    void aReceivedVersionThisDatabaseRefusedIsWrittenOnceTheCauseIsGone() throws Exception {
        String identifier = TestDb.uniqueIdentifier("HH");
        UUID local = db.newHousehold(identifier); // enrolled here too, not up yet: the same natural key
        ObjectNode theirs = remoteHousehold(identifier);
        UUID theirId = UUID.fromString(theirs.get("id").asText());
        UUID theirTx = UUID.randomUUID();

        DownSyncApplier.Applied refused = apply(entry(theirTx, REMOTE, Action.INSERT, theirs, 2, false));

        assertThat(refused.refused()).isEqualTo(1);
        assertThat(db.count("SELECT COUNT(*) FROM household WHERE id = ?", theirId))
                .isZero();
        assertThat(applier.heldBack())
                .as("a refused version is not held back by a pending edit")
                .isZero();

        // the laptop's user corrects the local record's identifier; the next down-sync (nothing new) writes theirs
        db.update("UPDATE household SET household_identifier = ? WHERE id = ?", TestDb.uniqueIdentifier("HH"), local);
        DownSyncApplier.Applied next = applier.apply(page(applier.state().checkpoint(), List.of()));

        assertThat(next.applied()).isEqualTo(1);
        assertThat(db.rows("SELECT household_identifier, village FROM household WHERE id = ?", theirId))
                .containsExactly(List.of(identifier, "Remote village"));
        assertThat(db.rows("SELECT outcome, reason FROM received_transaction WHERE tx_id = ?", theirTx))
                .containsExactly(java.util.Arrays.asList("APPLIED", null));
        assertThat(applier.apply(page(applier.state().checkpoint(), List.of())).applied())
                .as("written once")
                .isZero();
    }

    @Test
    void aRefusedVersionReplacedByALaterOneIsSupersededNotLeftRefused() throws Exception {
        String identifier = TestDb.uniqueIdentifier("HH");
        UUID local = db.newHousehold(identifier);
        ObjectNode theirs = remoteHousehold(identifier);
        UUID firstTx = UUID.randomUUID();
        assertThat(apply(entry(firstTx, REMOTE, Action.INSERT, theirs, 2, false))
                        .refused())
                .isEqualTo(1);
        db.update("UPDATE household SET household_identifier = ? WHERE id = ?", TestDb.uniqueIdentifier("HH"), local);
        theirs.put("village", "Edited elsewhere");
        theirs.put("version", 1);
        UUID laterTx = UUID.randomUUID();

        // the later version comes in the same page as the retry: it is written, the first never will be
        DownSyncApplier.Applied later = apply(entry(laterTx, REMOTE, Action.UPDATE, theirs, 2, false));

        assertThat(later.applied()).isEqualTo(1);
        assertThat(db.rows(
                        "SELECT village FROM household WHERE id = ?",
                        UUID.fromString(theirs.get("id").asText())))
                .containsExactly(List.of("Edited elsewhere"));
        assertThat(db.rows("SELECT outcome FROM received_transaction WHERE tx_id = ?", firstTx))
                .containsExactly(List.of("SUPERSEDED"));
    }

    @Test
    void aLocalRecordWhoseNaturalKeyTheServerGaveToAReceivedOneIsMergedIntoIt() throws Exception {
        String identifier = TestDb.uniqueIdentifier("HH");
        UUID local = db.newHousehold(identifier);
        UUID ownTx = (UUID) db.rows("SELECT tx_id FROM outgoing_transaction WHERE record_id = ?", local)
                .get(0)
                .get(0);
        UUID subject = db.newSubject(local); // enrolled here in the local household, not up yet either
        ObjectNode theirs = remoteHousehold(identifier);
        UUID theirId = UUID.fromString(theirs.get("id").asText());
        UUID theirTx = UUID.randomUUID();
        assertThat(apply(entry(theirTx, REMOTE, Action.INSERT, theirs, 2, false))
                        .refused())
                .isEqualTo(1);
        long outgoing = db.outgoing();

        // the server held the local household as a natural-key clash; an admin kept theirs (the local one merged
        // into it, or rejected): its creation comes back overruled
        DownSyncApplier.Applied verdict = apply(overruled(ownTx, identity.producer(), local));

        assertThat(verdict.verdicts()).isEqualTo(1);
        assertThat(verdict.applied()).as("theirs, written now").isEqualTo(1);
        assertThat(db.count("SELECT COUNT(*) FROM household WHERE id = ?", local))
                .isZero();
        assertThat(db.rows("SELECT household_identifier, village FROM household WHERE id = ?", theirId))
                .containsExactly(List.of(identifier, "Remote village"));
        assertThat(db.rows("SELECT household_id FROM subject WHERE id = ?", subject))
                .as("what referred to the local household refers to theirs, as on the server")
                .containsExactly(List.of(theirId));
        assertThat(db.outgoing()).as("the merge echoes nothing").isEqualTo(outgoing);
        assertThat(db.rows(
                                "SELECT changed_by, device_id FROM record_history WHERE record_id = ? ORDER BY id DESC",
                                subject)
                        .get(0))
                .containsExactly("natural-key merge", "server");
        assertThat(db.rows("SELECT outcome FROM received_transaction WHERE tx_id = ?", theirTx))
                .containsExactly(List.of("APPLIED"));
    }

    @Test
    void aPayloadOfANewerSchemaVersionStopsTheDownSyncAndAsksForAnUpdate() throws Exception {
        long at = applier.state().checkpoint();
        ObjectNode newer = remoteHousehold(TestDb.uniqueIdentifier("HH"));
        ObjectNode after = remoteHousehold(TestDb.uniqueIdentifier("HH"));
        List<DownSyncEntry> entries = new ArrayList<>();
        entries.add(entry(UUID.randomUUID(), REMOTE, Action.INSERT, newer, 99, false));
        entries.add(entry(UUID.randomUUID(), REMOTE, Action.INSERT, after, 2, false));

        DownSyncApplier.Applied applied = applier.apply(page(at, entries));

        assertThat(applied.applied()).isZero();
        assertThat(applied.checkpoint()).as("stays before the entry").isEqualTo(at);
        assertThat(applied.stopped()).startsWith("update this laptop's app");
        assertThat(applier.state().stoppedReason()).startsWith("update this laptop's app");
        assertThat(db.count(
                        "SELECT COUNT(*) FROM household WHERE id = ?",
                        UUID.fromString(after.get("id").asText())))
                .isZero();
    }

    @Test
    void aPayloadCompressedWithADictionaryThisAppDoesNotShipStopsTheDownSyncAndAsksForAnUpdate() throws Exception {
        long at = applier.state().checkpoint();
        ObjectNode household = remoteHousehold(TestDb.uniqueIdentifier("HH"));
        PayloadDictionaries newerApp = PayloadDictionaries.of(Map.of(
                "study.household",
                "{\"model\":\"study.household\",\"schemaVersion\":3,\"fields\":{"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        DownSyncApplier.Applied applied = applier.apply(
                page(at, List.of(entry(UUID.randomUUID(), REMOTE, Action.INSERT, household, 2, false, newerApp))));

        assertThat(applied.applied()).isZero();
        assertThat(applied.checkpoint()).as("stays before the entry").isEqualTo(at);
        assertThat(applied.stopped()).startsWith("update this laptop's app").contains("compressed with dictionary");
        assertThat(db.count(
                        "SELECT COUNT(*) FROM household WHERE id = ?",
                        UUID.fromString(household.get("id").asText())))
                .isZero();
    }

    @Test
    void aPageNotSignedByTheServerOrAlteredOrOneLeftOutStopsTheDownSyncBeforeIt() throws Exception {
        long at = applier.state().checkpoint();
        List<DownSyncEntry> two = List.of(newRemoteHousehold(), newRemoteHousehold());
        DownSyncPage genuine = page(at, two);
        DeviceSigningKey carrier = DeviceSigningKey.generate();
        DownSyncPage forged = genuine.withSignature(carrier.sign(DownSyncPage.signedBytes(genuine)));
        DownSyncPage thinned = new DownSyncPage(
                "test-laptop",
                "unsited",
                at,
                genuine.next(),
                false,
                genuine.next(),
                List.of(genuine.entries().get(1)),
                List.of(),
                SERVER.publicKey(),
                genuine.signature());
        DownSyncPage otherSigner = new DownSyncPage(
                        "test-laptop",
                        "unsited",
                        at,
                        genuine.next(),
                        false,
                        genuine.next(),
                        genuine.entries(),
                        List.of(),
                        carrier.publicKey(),
                        null)
                .withSignature(carrier.sign(DownSyncPage.signedBytes(genuine)));

        for (DownSyncPage hostile : List.of(forged, thinned, otherSigner)) {
            DownSyncApplier.Applied applied = applier.apply(hostile, false);
            assertThat(applied.applied()).isZero();
            assertThat(applied.checkpoint()).isEqualTo(at);
            assertThat(applied.stopped()).isNotNull();
        }
        // a whole page left out on the way: the next one does not follow the position held
        DownSyncPage later = page(
                at + 2,
                List.of(entry(
                        UUID.randomUUID(),
                        REMOTE,
                        Action.INSERT,
                        remoteHousehold(TestDb.uniqueIdentifier("HH")),
                        2,
                        false)));
        DownSyncApplier.Applied gap = applier.apply(later, false);
        assertThat(gap.applied()).isZero();
        assertThat(gap.stopped()).contains("missing");
        // the genuine one applies
        assertThat(applier.apply(genuine, false).applied()).isEqualTo(2);
    }

    @Test
    void aLaptopMovedToAnotherSiteStartsItsNewFeedFromTheStartAndKeepsWhatItHolds() throws Exception {
        ObjectNode fields = remoteHousehold(TestDb.uniqueIdentifier("HH"));
        UUID txId = UUID.randomUUID();
        DownSyncEntry kept = entry(txId, REMOTE, Action.INSERT, fields, 2, false);
        apply(kept);
        long at = applier.state().checkpoint();
        assertThat(at).isPositive();

        // the server now names another subscription: positions of the old feed mean nothing in the new one
        DownSyncPage moved =
                new DownSyncPage("test-laptop", "site:elsewhere", at, at, false, at, List.of(), List.of(), null, null);
        DownSyncApplier.Applied resubscribed = applier.apply(moved);

        assertThat(resubscribed.resubscribed()).isTrue();
        assertThat(applier.state().checkpoint()).isZero();
        UUID id = UUID.fromString(fields.get("id").asText());
        assertThat(db.count("SELECT COUNT(*) FROM household WHERE id = ?", id))
                .as("kept")
                .isEqualTo(1);
        // the new feed, from its start, may hold what this laptop received before: skipped by txId
        List<DownSyncEntry> again = List.of(kept);
        DownSyncPage first = signedPage("site:elsewhere", 0, again);
        DownSyncApplier.Applied applied = applier.apply(first);
        assertThat(applied.applied()).isZero();
        assertThat(applied.checkpoint()).isEqualTo(1);
        assertThat(db.count("SELECT COUNT(*) FROM received_transaction WHERE tx_id = ?", txId))
                .isEqualTo(1);
        // back to the feed the other tests use
        applier.apply(new DownSyncPage("test-laptop", "unsited", 1, 1, false, 1, List.of(), List.of(), null, null));
    }

    // --- pages as the server makes them: sealed to this laptop's sealing key ---

    private DownSyncApplier.Applied apply(DownSyncEntry entry) {
        long at = applier.state().checkpoint();
        return applier.apply(page(at, List.of(entry)));
    }

    @Test
    void aDependencyOutsideTheFeedIsWrittenBeforeTheEntriesWithoutAPositionOfItsOwn() throws Exception {
        ObjectNode needed = remoteHousehold(TestDb.uniqueIdentifier("HH"));
        ObjectNode entry = remoteHousehold(TestDb.uniqueIdentifier("HH"));
        UUID neededTx = UUID.randomUUID();
        long at = applier.state().checkpoint();
        DownSyncEntry dependency = entry(neededTx, REMOTE, Action.INSERT, needed, 2, false);
        DownSyncPage page = signedPage(
                "unsited",
                at,
                List.of(entry(UUID.randomUUID(), REMOTE, Action.INSERT, entry, 2, false)),
                List.of(new DownSyncEntry(1, 0, false, dependency.transaction())));

        DownSyncApplier.Applied applied = applier.apply(page);

        assertThat(applied.applied()).isEqualTo(2);
        assertThat(applied.checkpoint()).isEqualTo(at + 1); // the dependency's own position is not this feed's
        assertThat(db.count(
                        "SELECT COUNT(*) FROM household WHERE id = ?",
                        UUID.fromString(needed.get("id").asText())))
                .isEqualTo(1);
        assertThat(applier.apply(page).applied()).isZero();
        // a carrier stripping the dependencies breaks the page's signature: nothing of it is applied
        DownSyncPage stripped = new DownSyncPage(
                page.device(),
                page.subscription(),
                page.after(),
                page.next(),
                page.more(),
                page.latest(),
                page.entries(),
                List.of(),
                page.signer(),
                page.signature());
        assertThat(new DeviceSigningKey(null, page.signer(), null)
                        .verifies(DownSyncPage.signedBytes(stripped), page.signature()))
                .isFalse();
    }

    /**
     * ADR 19: a server restored from a backup answers a laptop ahead of it with a page marked rewound, from the
     * furthest position it served. Signed by the laptop's server, the laptop goes back there and writes what it lacks;
     * a rewind signed by anyone else, or a rewound flag added to a genuine page, changes nothing.
     */
    @Test
    void aRewoundPageOfItsServerTakesTheLaptopBackAndNoOneElseCanMakeItGoBack() throws Exception {
        long at = applier.state().checkpoint();
        assertThat(applier.apply(page(at, List.of(newRemoteHousehold(), newRemoteHousehold())))
                        .checkpoint())
                .isEqualTo(at + 2);
        ObjectNode settledAgain = remoteHousehold(TestDb.uniqueIdentifier("HH"));
        DownSyncEntry entry = new DownSyncEntry(
                at + 1,
                at,
                false,
                entry(UUID.randomUUID(), REMOTE, Action.INSERT, settledAgain, 2, false)
                        .transaction());
        DownSyncPage unsigned = new DownSyncPage(
                "test-laptop",
                "unsited",
                at,
                at + 1,
                false,
                at + 1,
                List.of(entry),
                List.of(),
                SERVER.publicKey(),
                null,
                true);
        DownSyncPage rewound = unsigned.withSignature(SERVER.sign(DownSyncPage.signedBytes(unsigned)));
        DeviceSigningKey carrier = DeviceSigningKey.generate();
        DownSyncPage byACarrier = unsigned.withSignature(carrier.sign(DownSyncPage.signedBytes(unsigned)));
        DownSyncPage notRewound = page(at, List.of(entry));
        DownSyncPage flagAdded = new DownSyncPage(
                "test-laptop",
                "unsited",
                at,
                at + 1,
                false,
                at + 1,
                notRewound.entries(),
                List.of(),
                SERVER.publicKey(),
                notRewound.signature(),
                true);
        UUID id = UUID.fromString(settledAgain.get("id").asText());

        for (DownSyncPage hostile : List.of(byACarrier, flagAdded)) {
            for (boolean direct : new boolean[] {true, false}) {
                DownSyncApplier.Applied applied = applier.apply(hostile, direct);
                assertThat(applied.applied()).isZero();
                assertThat(applied.checkpoint()).isEqualTo(at + 2);
            }
        }
        assertThat(applier.apply(notRewound).applied())
                .as("an earlier position, not rewound")
                .isZero();
        assertThat(db.count("SELECT COUNT(*) FROM household WHERE id = ?", id)).isZero();

        // carried by a middleman (the e2e test has the server's own answer): the laptop goes back all the same
        DownSyncApplier.Applied applied = applier.apply(rewound, false);

        assertThat(applied.applied()).isEqualTo(1);
        assertThat(applied.checkpoint()).isEqualTo(at + 1);
        assertThat(db.count("SELECT COUNT(*) FROM household WHERE id = ?", id)).isEqualTo(1);
    }

    /** The INSERT of a new household made on another laptop, as an entry of no position yet. */
    private DownSyncEntry newRemoteHousehold() throws Exception {
        return entry(
                UUID.randomUUID(), REMOTE, Action.INSERT, remoteHousehold(TestDb.uniqueIdentifier("HH")), 2, false);
    }

    /** A page as the server makes it: entries numbered after {@code after}, chained, signed for this laptop. */
    static DownSyncPage page(long after, List<DownSyncEntry> entries) {
        return signedPage("unsited", after, entries);
    }

    static DownSyncPage signedPage(String subscription, long after, List<DownSyncEntry> entries) {
        return signedPage(subscription, after, entries, List.of());
    }

    static DownSyncPage signedPage(
            String subscription, long after, List<DownSyncEntry> entries, List<DownSyncEntry> dependencies) {
        List<DownSyncEntry> numbered = new ArrayList<>();
        long order = after;
        for (DownSyncEntry e : entries) {
            numbered.add(new DownSyncEntry(order + 1, order, e.overruled(), e.transaction()));
            order++;
        }
        DownSyncPage page = new DownSyncPage(
                "test-laptop",
                subscription,
                after,
                order,
                false,
                order,
                numbered,
                dependencies,
                SERVER.publicKey(),
                null);
        return page.withSignature(SERVER.sign(DownSyncPage.signedBytes(page)));
    }

    private DownSyncEntry entry(
            UUID txId, String producer, Action action, ObjectNode fields, int schemaVersion, boolean overruled) {
        return entry(txId, producer, action, fields, schemaVersion, overruled, PayloadDictionaries.shipped());
    }

    private DownSyncEntry entry(
            UUID txId,
            String producer,
            Action action,
            ObjectNode fields,
            int schemaVersion,
            boolean overruled,
            PayloadDictionaries dictionaries) {
        DeviceSealingKey key = identity.sealingKey();
        SealedCodec codec = new SealedCodec(
                new ServerPublicKey(DeviceSealingKey.keyIdOf(key.publicKey()), SealedCodec.ALGORITHM, key.publicKey()),
                100,
                Duration.ofHours(1),
                dictionaries);
        UUID recordId = UUID.fromString(fields.get("id").asText());
        TransactionHeader header = new TransactionHeader(txId, producer, 1, "study.household", recordId, action);
        SealedPayload sealed =
                codec.seal(header, new RecordSnapshot("study.household", schemaVersion, fields, 1, null).toJson());
        return new DownSyncEntry(
                0,
                0,
                overruled,
                new TransactionEnvelope(
                        txId, producer, 1, "study.household", recordId, action, null, sealed.keyId(), sealed.bytes()));
    }

    private static DownSyncEntry overruled(UUID txId, String producer, UUID recordId) {
        return new DownSyncEntry(
                0,
                0,
                true,
                new TransactionEnvelope(
                        txId, producer, 1, "study.household", recordId, Action.INSERT, null, null, null));
    }

    /** The snapshot this laptop captured of its own record (a full row, as any producer's payload carries). */
    private ObjectNode ownSnapshot(UUID id) {
        return db.capturedFields("study.household", id, 0);
    }

    /** A household made on another laptop: a copy of a local one's snapshot with another id and identity. */
    private ObjectNode remoteHousehold(String identifier) throws Exception {
        UUID template = db.newHousehold(TestDb.uniqueIdentifier("TPL"));
        ObjectNode fields = ownSnapshot(template);
        fields.put("id", UUID.randomUUID().toString());
        fields.put("household_identifier", identifier);
        fields.put("village", "Remote village");
        for (String audit : List.of("device_created", "device_modified")) {
            fields.put(audit, REMOTE);
        }
        fields.put("user_modified", "remote-user");
        return fields;
    }
}
