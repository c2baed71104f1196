package io.collectoffline.server.records;

import io.collectoffline.protocol.Paging;
import io.collectoffline.server.apply.ConflictRule;
import io.collectoffline.server.config.ActiveDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Lists the conflicting edits for an admin, newest first, by model and record. */
@ApplicationScoped
public class ConflictReadService {

    private final ActiveDatabase database;

    ConflictReadService(ActiveDatabase database) {
        this.database = database;
    }

    public List<RecordConflict> list(String model, UUID recordId, @Paging.Offset int offset, @Paging.Limit int limit) {
        StringBuilder sql = new StringBuilder("SELECT id, model, record_id, winner_tx_id, winner_producer, "
                + "winner_rev, loser_tx_id, loser_producer, loser_rev, detected_at FROM record_conflict WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (model != null) {
            sql.append(" AND model = ?");
            args.add(model);
        }
        if (recordId != null) {
            sql.append(" AND record_id = ?");
            args.add(recordId);
        }
        sql.append(" ORDER BY id DESC OFFSET ")
                .append(offset)
                .append(" ROWS FETCH NEXT ")
                .append(limit)
                .append(" ROWS ONLY");
        List<RecordConflict> conflicts = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
                PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    conflicts.add(new RecordConflict(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getObject(3, UUID.class),
                            new RecordConflict.Version(rs.getObject(4, UUID.class), rs.getString(5), rs.getLong(6)),
                            new RecordConflict.Version(rs.getObject(7, UUID.class), rs.getString(8), rs.getLong(9)),
                            ConflictRule.RULE,
                            rs.getObject(10, OffsetDateTime.class)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("listing conflicts failed", e);
        }
        return conflicts;
    }
}
