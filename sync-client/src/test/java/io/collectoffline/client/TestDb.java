package io.collectoffline.client;

import io.agroal.api.AgroalDataSource;
import io.collectoffline.study.Household;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Test helper: direct JDBC looks at the laptop database, and entity writes in their own transactions. */
@ApplicationScoped
public class TestDb {

    private final AgroalDataSource dataSource;
    private final EntityManager em;

    TestDb(AgroalDataSource dataSource, EntityManager em) {
        this.dataSource = dataSource;
        this.em = em;
    }

    public long count(String sql, Object... args) {
        return ((Number) rows(sql, args).get(0).get(0)).longValue();
    }

    public List<List<Object>> rows(String sql, Object... args) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<List<Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) {
                        row.add(rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs one statement that changes rows (test set-up a laptop would have reached another way). */
    public int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public long outgoing() {
        return count("SELECT COUNT(*) FROM outgoing_transaction");
    }

    public long lastSeq() {
        return count("SELECT COALESCE(MAX(seq), 0) FROM outgoing_transaction"); // 0 before the first change
    }

    /** Persists a household in a transaction of its own and returns its id. */
    public UUID newHousehold(String identifier) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Household household = new Household();
            household.setHouseholdIdentifier(identifier);
            household.setVillage("Lentsweletau");
            em.persist(household);
            return household.getId();
        });
    }

    /** Persists a subject of {@code householdId} in a transaction of its own and returns its id. */
    public UUID newSubject(UUID householdId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            io.collectoffline.study.Subject subject = new io.collectoffline.study.Subject();
            subject.setSubjectIdentifier(uniqueIdentifier("S"));
            subject.setHouseholdId(householdId);
            subject.setGender("F");
            subject.setConsentDatetime(java.time.OffsetDateTime.now());
            em.persist(subject);
            return subject.getId();
        });
    }

    /**
     * The envelope of an outgoing row read as {@code tx_id, producer, seq, model, record_id, action, key_id, payload}
     * (the columns a signature covers), in that order from the row's first column.
     */
    public static io.collectoffline.protocol.TransactionEnvelope envelope(List<Object> row) {
        return new io.collectoffline.protocol.TransactionEnvelope(
                (UUID) row.get(0),
                (String) row.get(1),
                ((Number) row.get(2)).longValue(),
                (String) row.get(3),
                (UUID) row.get(4),
                io.collectoffline.protocol.Action.valueOf((String) row.get(5)),
                null,
                (String) row.get(6),
                (byte[]) row.get(7));
    }

    /**
     * The fields of a record's {@code nth} captured change (0: the first), opened with the tests' server key: a full
     * row, as the capture trigger wrote it.
     */
    public com.fasterxml.jackson.databind.node.ObjectNode capturedFields(String model, UUID recordId, int nth) {
        List<Object> tx = rows(
                        "SELECT tx_id, producer, seq, action, key_id, payload FROM outgoing_transaction "
                                + "WHERE record_id = ? ORDER BY seq",
                        recordId)
                .get(nth);
        byte[] plaintext = TestServerKeys.ring()
                .open(
                        new io.collectoffline.protocol.TransactionHeader(
                                (UUID) tx.get(0),
                                (String) tx.get(1),
                                ((Number) tx.get(2)).longValue(),
                                model,
                                recordId,
                                io.collectoffline.protocol.Action.valueOf((String) tx.get(3))),
                        (String) tx.get(4),
                        (byte[]) tx.get(5));
        return io.collectoffline.offline.RecordSnapshot.fromJson(plaintext).fields();
    }

    /** A fresh identifier so that tests sharing one database never clash. */
    public static String uniqueIdentifier(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    }
}
