package io.collectoffline.client.downsync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.protocol.DownSyncPage;
import io.collectoffline.protocol.ProducerId;
import io.collectoffline.shipping.ServerHop;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A middleman carrying the down-sync of the field laptops it serves (two-way, ADR 14): when it reaches the server it
 * fetches what is new in each laptop's feed, and keeps it unread — sealed to that laptop, signed for it — until the
 * laptop takes it at the next pull; the laptop's answer says how far it holds its feed, and what it holds is dropped
 * here. Pages are kept as the server sent them: its signature covers a whole page. Owns {@code carried_page} and
 * {@code carried_feed}.
 */
@ApplicationScoped
public class CarriedDownSync {

    private final AgroalDataSource dataSource;
    private final ClientConfig config;
    private final ObjectMapper json;

    CarriedDownSync(AgroalDataSource dataSource, ClientConfig config, ObjectMapper json) {
        this.dataSource = dataSource;
        this.config = config;
        this.json = json.copy().findAndRegisterModules();
    }

    /** The field laptops this middleman serves: those it has pulled from (device ids, streams folded). */
    List<String> served() {
        List<String> devices = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT producer FROM relay_source ORDER BY producer");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String device = ProducerId.deviceOf(rs.getString(1));
                if (!devices.contains(device)) {
                    devices.add(device);
                }
            }
            return devices;
        } catch (SQLException e) {
            throw new IllegalStateException("reading the field laptops served failed", e);
        }
    }

    /**
     * Fetches from the server what is new in {@code device}'s feed, up to {@code sync.client.middleman.carry-max}
     * entries held for it; returns how many entries were added.
     */
    int fetch(ServerHop server, String device) {
        int added = 0;
        while (true) {
            Feed feed = feed(device);
            if (feed.held() >= config.middleman().carryMax()) {
                Log.infof(
                        "Carrying %d down-sync entries for %s already (sync.client.middleman.carry-max): fetching "
                                + "more after the next hand-over",
                        feed.held(), device);
                return added;
            }
            DownSyncPage page =
                    server.downSyncFor(device, feed.after(), config.downsync().pageSize());
            int stored = store(device, feed, page);
            if (stored < 0) {
                continue; // the laptop was moved: its new feed, from the start
            }
            added += stored;
            if (!page.more() || page.entries().isEmpty()) {
                return added;
            }
        }
    }

    /** The pages carried for {@code device}, in order, to hand over. */
    public List<DownSyncPage> pages(String device) {
        List<DownSyncPage> pages = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT page FROM carried_page WHERE device = ? ORDER BY next_position")) {
            ps.setString(1, device);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pages.add(json.readValue(rs.getString(1), DownSyncPage.class));
                }
            }
            return pages;
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("reading the pages carried for " + device + " failed", e);
        }
    }

    /** The field laptop holds its feed up to {@code checkpoint}: drop what it holds, remember where it stands. */
    public void handedOver(String device, long checkpoint) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement delete =
                            c.prepareStatement("DELETE FROM carried_page WHERE device = ? AND next_position <= ?");
                    PreparedStatement update = c.prepareStatement(
                            "UPDATE carried_feed SET field_checkpoint = ?, handed_at = ? WHERE device = ?")) {
                delete.setString(1, device);
                delete.setLong(2, checkpoint);
                delete.executeUpdate();
                update.setLong(1, checkpoint);
                update.setObject(2, OffsetDateTime.now(ZoneOffset.UTC));
                update.setString(3, device);
                update.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("recording the hand-over to " + device + " failed", e);
        }
    }

    /** What is known of a carried feed: where to fetch after, and how many entries are held. */
    private record Feed(String subscription, String signer, long fieldCheckpoint, long after, long held) {}

    private Feed feed(String device) {
        try (Connection c = dataSource.getConnection()) {
            String subscription = null;
            String signer = null;
            long fieldCheckpoint = 0;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT subscription, signer, field_checkpoint FROM carried_feed WHERE device = ?")) {
                ps.setString(1, device);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        subscription = rs.getString(1);
                        signer = rs.getString(2);
                        fieldCheckpoint = rs.getLong(3);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COALESCE(MAX(next_position), 0), COALESCE(SUM(entries), 0) FROM carried_page "
                            + "WHERE device = ?")) {
                ps.setString(1, device);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Feed(
                            subscription,
                            signer,
                            fieldCheckpoint,
                            Math.max(rs.getLong(1), fieldCheckpoint),
                            rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the feed carried for " + device + " failed", e);
        }
    }

    /**
     * Keeps a fetched page; returns how many entries it added, or -1 when the feed's subscription changed (what was
     * carried of the old feed is dropped, and the new one is fetched from its start).
     */
    private int store(String device, Feed feed, DownSyncPage page) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                boolean changed =
                        feed.subscription() != null && !feed.subscription().equals(page.subscription());
                if (changed) {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM carried_page WHERE device = ?")) {
                        ps.setString(1, device);
                        ps.executeUpdate();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("MERGE INTO carried_feed (device, subscription, signer, "
                        + "field_checkpoint) KEY (device) VALUES (?, ?, ?, ?)")) {
                    ps.setString(1, device);
                    ps.setString(2, page.subscription());
                    ps.setString(3, page.signer());
                    ps.setLong(4, changed ? 0 : feed.fieldCheckpoint());
                    ps.executeUpdate();
                }
                int added = 0;
                if (!changed && !page.entries().isEmpty()) {
                    try (PreparedStatement ps = c.prepareStatement("MERGE INTO carried_page (device, next_position, "
                            + "entries, page) KEY (device, next_position) VALUES (?, ?, ?, ?)")) {
                        ps.setString(1, device);
                        ps.setLong(2, page.next());
                        ps.setInt(3, page.entries().size());
                        ps.setString(4, json.writeValueAsString(page));
                        ps.executeUpdate();
                        added = page.entries().size();
                    }
                }
                c.commit();
                return changed ? -1 : added;
            } catch (SQLException | JsonProcessingException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("keeping the down-sync carried for " + device + " failed", e);
        }
    }
}
