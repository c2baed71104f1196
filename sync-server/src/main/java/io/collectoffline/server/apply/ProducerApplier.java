package io.collectoffline.server.apply;

import io.collectoffline.codec.PayloadRejectedException;
import io.collectoffline.offline.RecordSnapshot;
import io.collectoffline.offline.TableSchema;
import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.config.ServerConfig;
import io.collectoffline.server.model.PayloadOpener;
import io.collectoffline.server.model.ServerModels;
import io.collectoffline.server.store.IncomingStore;
import io.collectoffline.server.store.TxStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Applies one producer's stored transactions into the study tables, in seq order (DESIGN §5, invariant 5).
 *
 * <p>The producer's cursor row is locked with {@code FOR UPDATE SKIP LOCKED} for the whole apply transaction, so
 * two workers (two server instances) never apply the same producer at once. Only transactions up to the stored
 * watermark are applied: a gap in seq waits for the missing transaction. A chunk is applied in batches of
 * consecutive same-model statements; if the database refuses anything, the chunk is rolled back and re-applied one
 * transaction at a time to find the first that fails. That one becomes DEFERRED (its foreign-key target has not
 * arrived; retried on every cycle) or ERROR (with the reason; waits for an admin's retry or skip), and the
 * producer's later transactions wait behind it, because they may depend on it.
 */
@ApplicationScoped
public class ProducerApplier {

    private final ActiveDatabase database;
    private final ServerModels models;
    private final PayloadOpener opener;
    private final ServerConfig config;

    private final MeterRegistry metrics;
    private final RecordHeads heads;
    private final IncomingStore store;

    ProducerApplier(
            ActiveDatabase database,
            ServerModels models,
            PayloadOpener opener,
            ServerConfig config,
            MeterRegistry metrics,
            RecordHeads heads,
            IncomingStore store) {
        this.store = store;
        this.heads = heads;
        this.database = database;
        this.models = models;
        this.opener = opener;
        this.config = config;
        this.metrics = metrics;
    }

    /** Puts every transaction in ERROR back in line ({@link IncomingStore#putErrorsBackInLine}); returns how many. */
    int retryErrors() {
        return database.inTransaction("putting transactions in error back in line", store::putErrorsBackInLine);
    }

    /** Producers with stored, unapplied transactions whose next one is not waiting for an admin (all of them). */
    List<String> producersWithWork() {
        return store.producersWithWork();
    }

    /** One stored transaction with its opened snapshot, or why it cannot be applied at all. */
    private record Work(
            TransactionEnvelope envelope,
            TableSchema table,
            RecordSnapshot snapshot,
            String error,
            TxStatus errorStatus) {

        Work(TransactionEnvelope envelope, TableSchema table, RecordSnapshot snapshot, String error) {
            this(envelope, table, snapshot, error, TxStatus.ERROR);
        }

        UUID txId() {
            return envelope.txId();
        }

        long seq() {
            return envelope.seq();
        }

        Action action() {
            return envelope.action();
        }

        RecordHeads.Change change() {
            return new RecordHeads.Change(
                    envelope.txId(),
                    envelope.producer(),
                    envelope.model(),
                    envelope.recordId(),
                    envelope.action(),
                    snapshot.rev(),
                    snapshot.baseTxId());
        }
    }

    /** Applies the next chunk of {@code producer}; returns how many transactions were applied. */
    int apply(String producer) {
        long started = System.nanoTime();
        return database.inTransaction(
                "applying producer " + producer, connection -> apply(connection, producer, started));
    }

    private int apply(Connection connection, String producer, long started) throws SQLException {
        long appliedSeq = store.tryLockCursor(connection, producer);
        if (appliedSeq < 0) {
            return 0; // another worker holds this producer
        }
        List<Work> chunk = new ArrayList<>();
        for (TransactionEnvelope envelope : store.nextToApply(
                connection, producer, appliedSeq, config.apply().chunkSize())) {
            chunk.add(open(envelope));
        }
        chunk = realias(connection, chunk);
        if (chunk.isEmpty()) {
            return 0;
        }
        int usable = 0;
        while (usable < chunk.size() && chunk.get(usable).error() == null) {
            usable++;
        }
        List<Work> good = chunk.subList(0, usable);
        Failure failure = null;
        RecordHeads.Plan plan =
                heads.plan(connection, good.stream().map(Work::change).toList());
        Savepoint before = connection.setSavepoint();
        int done;
        try {
            applyBatched(connection, good, plan);
            done = good.size();
        } catch (SQLException | IllegalArgumentException e) {
            ActiveDatabase.rollbackTo(connection, before); // the plan only read; it holds for the one-by-one attempt
            Outcome outcome = applyOneByOne(connection, good, plan);
            done = outcome.applied();
            failure = outcome.failure();
        }
        if (failure == null && usable < chunk.size()) {
            Work broken = chunk.get(usable);
            failure = new Failure(broken, broken.errorStatus(), broken.error());
        }
        List<Work> applied = good.subList(0, done);
        Set<UUID> overruled = new HashSet<>();
        for (int i = 0; i < done; i++) {
            if (!plan.writes(i)) {
                overruled.add(applied.get(i).txId());
            }
        }
        store.markApplied(connection, applied.stream().map(Work::txId).toList(), overruled);
        if (failure != null) {
            store.markFailed(
                    connection, failure.work().txId(), failure.status(), failure.reason(), failure.conflictWith());
        }
        if (!applied.isEmpty()) {
            store.advanceCursor(
                    connection, producer, applied.get(applied.size() - 1).seq());
            Log.infof(
                    "Applied %d transactions of %s (seq %d..%d) in %d ms",
                    applied.size(),
                    producer,
                    applied.get(0).seq(),
                    applied.get(applied.size() - 1).seq(),
                    (System.nanoTime() - started) / 1_000_000);
        }
        metrics.counter("collect_apply_transactions_total").increment(applied.size());
        if (failure != null) {
            metrics.counter(
                            "collect_apply_blocked_total",
                            "status",
                            failure.status().name())
                    .increment();
            Log.infof(
                    "Transaction %s (seq %d of %s) is %s: %s",
                    failure.work().txId(), failure.work().seq(), producer, failure.status(), failure.reason());
        }
        return applied.size();
    }

    private Work open(TransactionEnvelope envelope) {
        String model = envelope.model();
        try {
            TableSchema table = models.table(model);
            RecordSnapshot snapshot = opener.open(envelope);
            int current = table.model().schemaVersion();
            if (snapshot.schemaVersion() > current) {
                return new Work(
                        envelope,
                        table,
                        snapshot,
                        "schema version " + snapshot.schemaVersion() + " of "
                                + model + " is newer than this server knows (" + current + "): it waits, with the "
                                + "producer's later transactions, until the server is upgraded, then applies by itself",
                        TxStatus.DEFERRED);
            }
            if (snapshot.schemaVersion() < 1) {
                return new Work(
                        envelope,
                        table,
                        snapshot,
                        "schema version " + snapshot.schemaVersion() + " is not a version of " + model);
            }
            if (snapshot.schemaVersion() < current) { // an older laptop's form: upcast (schema evolution)
                snapshot = new RecordSnapshot(
                        snapshot.model(),
                        current,
                        models.upcasters().toCurrent(model, snapshot.schemaVersion(), snapshot.fields()),
                        snapshot.rev(),
                        snapshot.baseTxId());
            }
            Set<String> fields = new HashSet<>();
            snapshot.fields().fieldNames().forEachRemaining(fields::add);
            for (String column : table.columnNames()) {
                if (!fields.remove(column)) {
                    return new Work(
                            envelope,
                            table,
                            snapshot,
                            "payload lacks column " + column + " of "
                                    + table.model().table() + " (schema version " + snapshot.schemaVersion() + ")");
                }
            }
            if (!fields.isEmpty()) {
                return new Work(
                        envelope,
                        table,
                        snapshot,
                        "payload has columns that " + table.model().table() + " does not have: "
                                + String.join(", ", fields));
            }
            return new Work(envelope, table, snapshot, null);
        } catch (io.collectoffline.codec.PayloadFromNewerAppException e) {
            return new Work(
                    envelope,
                    null,
                    null,
                    e.getMessage() + ": it waits, with the producer's later transactions, until the server is "
                            + "upgraded, then applies by itself",
                    TxStatus.DEFERRED);
        } catch (PayloadRejectedException | io.collectoffline.offline.UnknownModelException e) {
            return new Work(envelope, null, null, e.getMessage());
        }
    }

    /** Stores a received batch's rows, those in {@code appliedNow} as applied; see {@link IncomingStore#insert}. */
    @FunctionalInterface
    public interface RowWriter {
        int[] store(Set<UUID> appliedNow, Set<UUID> overruled) throws SQLException;
    }

    /** What storing a batch did: 1 or 0 per row (inserted now or stored before), and what was applied with it. */
    public record Received(int[] inserted, Set<UUID> appliedNow) {}

    /**
     * Stores a received batch with {@code writer} and, on the fast path (ADR 7), applies in the same database
     * transaction the transactions of each producer that directly follow its apply cursor, when no worker holds the
     * cursor: they are stored APPLIED, which spares the worker reading them back and rewriting each row's status.
     * Everything else is stored RECEIVED for the worker. If one the fast path applied turns out stored already (a
     * re-send racing the worker, or a taken seq), the fast path is undone and the batch stored for the worker, which
     * judges the stored rows in order. The producers' rows must exist ({@link IncomingStore#ensureProducers}).
     */
    public Received storeOnReceipt(Connection connection, List<TransactionEnvelope> valid, RowWriter writer)
            throws SQLException {
        Savepoint beforeApply = connection.setSavepoint();
        Set<UUID> overruled = new HashSet<>();
        Map<String, Long> appliedTo = applyRuns(connection, valid, overruled);
        Set<UUID> appliedNow = new HashSet<>();
        for (TransactionEnvelope e : valid) {
            Long to = appliedTo.get(e.producer());
            if (to != null && e.seq() <= to) {
                appliedNow.add(e.txId());
            }
        }
        int[] inserted = writer.store(appliedNow, overruled);
        boolean allInserted = true;
        for (int i = 0; i < valid.size(); i++) {
            allInserted &= inserted[i] != 0 || !appliedNow.contains(valid.get(i).txId());
        }
        if (!allInserted) {
            ActiveDatabase.rollbackTo(connection, beforeApply);
            return new Received(writer.store(Set.of(), Set.of()), Set.of());
        }
        connection.releaseSavepoint(beforeApply);
        for (Map.Entry<String, Long> cursor : appliedTo.entrySet()) {
            store.advanceCursor(connection, cursor.getKey(), cursor.getValue());
        }
        metrics.counter("collect_apply_transactions_total").increment(appliedNow.size());
        return new Received(inserted, appliedNow);
    }

    /** Per producer whose cursor is free, applies the run of {@code valid} after it; returns the seq applied to. */
    private Map<String, Long> applyRuns(Connection connection, List<TransactionEnvelope> valid, Set<UUID> overruled)
            throws SQLException {
        Map<String, Map<Long, TransactionEnvelope>> byProducer = new java.util.TreeMap<>();
        Set<String> ambiguous = new HashSet<>();
        for (TransactionEnvelope e : valid) {
            if (byProducer.computeIfAbsent(e.producer(), p -> new HashMap<>()).putIfAbsent(e.seq(), e) != null) {
                ambiguous.add(e.producer()); // one seq twice in a batch: leave the judging to the worker
            }
        }
        Map<String, Long> appliedTo = new HashMap<>();
        for (Map.Entry<String, Map<Long, TransactionEnvelope>> producer : byProducer.entrySet()) {
            if (ambiguous.contains(producer.getKey())) {
                continue;
            }
            long cursor = store.tryLockCursor(connection, producer.getKey());
            if (cursor < 0) {
                continue; // the worker is applying this producer right now
            }
            List<TransactionEnvelope> run = new ArrayList<>();
            for (long seq = cursor + 1; producer.getValue().containsKey(seq); seq++) {
                run.add(producer.getValue().get(seq));
            }
            int applied = run.isEmpty() ? 0 : applyRun(connection, run, overruled);
            if (applied > 0) {
                appliedTo.put(producer.getKey(), cursor + applied);
            }
        }
        return appliedTo;
    }

    /**
     * Applies {@code run} — transactions that directly follow a producer's cursor, which the caller holds locked.
     * Returns how many of the run, from its start, were applied: all of them, or only those before the first payload
     * that cannot be opened; 0 when the database refuses any of them (nothing of the run is then applied, and the
     * worker applies them one by one later, classifying the one that fails as DEFERRED or ERROR). Adds to
     * {@code overruled} those of the run that lost a conflicting edit.
     */
    private int applyRun(Connection connection, List<TransactionEnvelope> run, Set<UUID> overruled)
            throws SQLException {
        List<Work> work = new ArrayList<>(run.size());
        for (TransactionEnvelope envelope : run) {
            Work w = open(envelope);
            if (w.error() != null) {
                break;
            }
            work.add(w);
        }
        if (work.isEmpty()) {
            return 0;
        }
        work = realias(connection, work);
        Savepoint before = connection.setSavepoint();
        try {
            RecordHeads.Plan plan =
                    heads.plan(connection, work.stream().map(Work::change).toList());
            applyBatched(connection, work, plan);
            connection.releaseSavepoint(before);
            for (int i = 0; i < work.size(); i++) {
                if (!plan.writes(i)) {
                    overruled.add(work.get(i).txId());
                }
            }
        } catch (SQLException | IllegalArgumentException e) {
            ActiveDatabase.rollbackTo(connection, before);
            return 0;
        }
        return work.size();
    }

    /**
     * Transactions that refer to a record an admin merged into another (a resolved natural-key clash, table
     * record_alias) — the record's own later changes, or a dependant's foreign key — are applied to the record kept.
     */
    private List<Work> realias(Connection connection, List<Work> works) throws SQLException {
        Set<UUID> named = new HashSet<>();
        for (Work w : works) {
            if (w.snapshot() != null) {
                named.add(w.envelope().recordId());
                named.addAll(RecordAliases.named(w.snapshot(), model(w)));
            }
        }
        Map<UUID, UUID> alias = RecordAliases.of(connection, named);
        if (alias.isEmpty()) {
            return works;
        }
        List<Work> result = new ArrayList<>(works.size());
        for (Work w : works) {
            if (w.snapshot() == null) {
                result.add(w);
                continue;
            }
            TransactionEnvelope e = w.envelope();
            UUID recordId = alias.getOrDefault(e.recordId(), e.recordId());
            result.add(new Work(
                    new TransactionEnvelope(
                            e.txId(),
                            e.producer(),
                            e.seq(),
                            e.model(),
                            recordId,
                            e.action(),
                            e.capturedAt(),
                            e.keyId(),
                            e.payload(),
                            e.site(),
                            e.reissuedFrom()),
                    w.table(),
                    RecordAliases.translate(w.snapshot(), model(w), alias),
                    w.error(),
                    w.errorStatus()));
        }
        return result;
    }

    private static io.collectoffline.offline.ModelDescriptor model(Work w) {
        return w.table() == null ? null : w.table().model();
    }

    /**
     * Applies {@code work} as JDBC batches: consecutive transactions of one model and kind (upsert or delete) in
     * one batch; a transaction that lost a conflicting edit writes nothing (ADR 8). Stores the held versions and
     * conflicts.
     */
    private static void applyBatched(Connection connection, List<Work> work, RecordHeads.Plan plan)
            throws SQLException {
        List<Work> writing = new ArrayList<>(work.size());
        for (int i = 0; i < work.size(); i++) {
            if (plan.writes(i)) {
                writing.add(work.get(i));
            }
        }
        int i = 0;
        while (i < writing.size()) {
            Work first = writing.get(i);
            boolean delete = first.action() == Action.DELETE;
            int end = i;
            while (end < writing.size()
                    && writing.get(end).table() == first.table()
                    && (writing.get(end).action() == Action.DELETE) == delete) {
                end++;
            }
            try (PreparedStatement ps = connection.prepareStatement(
                    delete ? first.table().delete() : first.table().upsert())) {
                for (Work w : writing.subList(i, end)) {
                    bind(ps, w);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            if (!delete) {
                RecordLineage.stamp(
                        connection,
                        first.table(),
                        writing.subList(i, end).stream()
                                .map(w -> w.envelope().recordId())
                                .toList());
            }
            i = end;
        }
        plan.save(connection, work.size());
    }

    private record Failure(Work work, TxStatus status, String reason, UUID conflictWith) {

        Failure(Work work, TxStatus status, String reason) {
            this(work, status, reason, null);
        }
    }

    private record Outcome(int applied, Failure failure) {}

    private static Outcome applyOneByOne(Connection connection, List<Work> work, RecordHeads.Plan plan)
            throws SQLException {
        for (int i = 0; i < work.size(); i++) {
            Work w = work.get(i);
            if (!plan.writes(i)) {
                continue; // lost a conflicting edit: nothing to write
            }
            Savepoint savepoint = connection.setSavepoint();
            try (PreparedStatement ps = connection.prepareStatement(
                    w.action() == Action.DELETE ? w.table().delete() : w.table().upsert())) {
                bind(ps, w);
                ps.executeUpdate();
                if (w.action() != Action.DELETE) {
                    RecordLineage.stamp(
                            connection, w.table(), List.of(w.envelope().recordId()));
                }
                connection.releaseSavepoint(savepoint);
            } catch (IllegalArgumentException e) {
                ActiveDatabase.rollbackTo(connection, savepoint);
                plan.save(connection, i);
                return new Outcome(i, new Failure(w, TxStatus.ERROR, "payload value does not fit: " + e.getMessage()));
            } catch (SQLException e) {
                ActiveDatabase.rollbackTo(connection, savepoint);
                plan.save(connection, i);
                return new Outcome(i, classify(connection, w, e));
            }
        }
        plan.save(connection, work.size());
        return new Outcome(work.size(), null);
    }

    /**
     * A missing foreign-key target defers an insert or update (the target may still arrive, from this producer's
     * relay or another producer); anything else the database refuses is an error for an admin to look at.
     */
    private static Failure classify(Connection connection, Work w, SQLException e) throws SQLException {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        boolean foreignKey = state.equals("23503") || state.equals("23506");
        if (foreignKey && w.action() != Action.DELETE) {
            return new Failure(w, TxStatus.DEFERRED, "waits for a record it refers to: " + firstLine(e));
        }
        if (foreignKey) {
            return new Failure(w, TxStatus.ERROR, "other records on this server still refer to it: " + firstLine(e));
        }
        if (state.equals("23505")) {
            UUID holder = holderOfNaturalKey(connection, w);
            if (holder != null && !holder.equals(w.envelope().recordId())) {
                return new Failure(
                        w,
                        TxStatus.CONFLICT,
                        "natural key " + naturalKey(w) + " of "
                                + w.table().model().name()
                                + " record " + w.envelope().recordId() + " (from "
                                + w.envelope().producer() + ") already "
                                + "belongs to record " + holder + ": an admin resolves it (keep-existing or reject)",
                        holder);
            }
            return new Failure(w, TxStatus.ERROR, "natural key already belongs to another record: " + firstLine(e));
        }
        return new Failure(w, TxStatus.ERROR, "database refused it (" + state + "): " + firstLine(e));
    }

    /** The id of the record that holds {@code w}'s natural key now, or null. */
    private static UUID holderOfNaturalKey(Connection connection, Work w) throws SQLException {
        List<String> columns = w.table().model().naturalKeyColumns();
        StringBuilder sql = new StringBuilder("SELECT id FROM ")
                .append(w.table().model().table())
                .append(" WHERE ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : " AND ").append(columns.get(i)).append(" = ?");
        }
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            int index = 1;
            for (String column : columns) {
                w.table()
                        .types()
                        .get(column)
                        .bind(ps, index++, w.snapshot().fields().get(column));
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1, UUID.class) : null;
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String naturalKey(Work w) {
        StringBuilder key = new StringBuilder("(");
        for (String column : w.table().model().naturalKeyColumns()) {
            key.append(key.length() == 1 ? "" : ", ")
                    .append(column)
                    .append('=')
                    .append(w.snapshot().fields().path(column).asText());
        }
        return key.append(')').toString();
    }

    private static String firstLine(SQLException e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        message = newline < 0 ? message : message.substring(0, newline);
        return message.length() <= 500 ? message : message.substring(0, 500);
    }

    private static void bind(PreparedStatement ps, Work w) throws SQLException {
        if (w.action() == Action.DELETE) {
            ps.setObject(1, UUID.fromString(w.snapshot().fields().get("id").asText()));
            return;
        }
        int index = 1;
        for (String column : w.table().columnNames()) {
            try {
                w.table()
                        .types()
                        .get(column)
                        .bind(ps, index++, w.snapshot().fields().get(column));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("column " + column + ": " + e.getMessage(), e);
            }
        }
    }
}
