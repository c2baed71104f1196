package io.collectoffline.server.devices;

import io.collectoffline.protocol.DeviceId;
import io.collectoffline.protocol.Inputs;
import io.collectoffline.protocol.InvalidInputException;
import io.collectoffline.protocol.Problem.FieldError;
import io.collectoffline.security.TokenHash;
import io.collectoffline.server.config.ActiveDatabase;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Enrolled devices and their tokens (DESIGN §7). A token is 32 random bytes shown once at enrolment; the server
 * stores only its SHA-256 (a fast hash is enough for a secret of that entropy), so a stolen database yields no
 * usable token. A revoked device is refused from its next request on.
 */
@ApplicationScoped
public class DeviceService {

    /** Roles a device can have. */
    public static final Set<String> ROLES = Set.of("field", "middleman", "server");

    private static final String COLUMNS =
            "device_id, role, enrolled_at, enrolled_by, revoked_at, revoked_by, " + "last_seen_at, site";

    private final ActiveDatabase database;
    /** Made with the bean at run time: a static one would be frozen into a native image (README, Native). */
    private final SecureRandom random = new SecureRandom();

    DeviceService(ActiveDatabase database) {
        this.database = database;
    }

    /** Enrols a device (in {@code site}, or none when null) and returns its token, once. */
    public Enrolment enrol(String deviceId, String role, String site, String by) {
        List<FieldError> errors = new ArrayList<>();
        if (!DeviceId.isValid(deviceId)) {
            errors.add(new FieldError("deviceId", "required, " + DeviceId.DESCRIPTION));
        }
        if (role == null || !ROLES.contains(role)) {
            errors.add(new FieldError("role", "required, one of field, middleman, server"));
        }
        errors.addAll(Inputs.siteErrors(site));
        if (!errors.isEmpty()) {
            throw new InvalidInputException("The device cannot be enrolled as given", errors);
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = "co_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO device (device_id, role, token_hash, "
                        + "enrolled_at, enrolled_by, site) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, deviceId);
            ps.setString(2, role);
            ps.setString(3, TokenHash.of(token));
            ps.setObject(4, now());
            ps.setString(5, by);
            ps.setString(6, site);
            if (ps.executeUpdate() == 0) {
                throw new DeviceConflictException("A device '" + deviceId + "' is already enrolled; revoke it and "
                        + "enrol the replacement under a new id");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("enrolling " + deviceId + " failed", e);
        }
        Log.infof("Device %s enrolled as %s%s by %s", deviceId, role, site == null ? "" : " in site " + site, by);
        return new Enrolment(deviceId, role, site, token);
    }

    /**
     * Moves a device to {@code site} (none when null). Transactions stored from now on carry the new site; those
     * stored before keep the one they were stored with.
     */
    public Device assignSite(String deviceId, String site, String by) {
        List<FieldError> siteErrors = Inputs.siteErrors(site);
        if (!siteErrors.isEmpty()) {
            throw new InvalidInputException("The site cannot be assigned as given", siteErrors);
        }
        Device device = get(deviceId);
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE device SET site = ? WHERE device_id = ?")) {
            ps.setString(1, site);
            ps.setString(2, deviceId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("assigning a site to " + deviceId + " failed", e);
        }
        Log.infof("Device %s moved from site %s to %s by %s", deviceId, device.site(), site, by);
        return get(deviceId);
    }

    /** The sites known here, by id. */
    public List<SiteSummary> sites() {
        List<SiteSummary> sites = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT site, SUM(devices), SUM(producers), MAX(last_at) FROM ("
                                + "SELECT site, 1 AS devices, 0 AS producers, CAST(NULL AS TIMESTAMP WITH TIME ZONE) "
                                + "AS last_at "
                                + "FROM device WHERE site IS NOT NULL AND revoked_at IS NULL UNION ALL "
                                + "SELECT site, 0, 1, last_received_at FROM producer_state WHERE site IS NOT NULL) "
                                + "known "
                                + "GROUP BY site ORDER BY site");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                sites.add(new SiteSummary(
                        rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getObject(4, OffsetDateTime.class)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("listing sites failed", e);
        }
        return sites;
    }

    public List<Device> list() {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM device ORDER BY device_id")) {
            return devices(ps);
        } catch (SQLException e) {
            throw new IllegalStateException("listing devices failed", e);
        }
    }

    public Device get(String deviceId) {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM device WHERE device_id = ?")) {
            ps.setString(1, deviceId);
            return devices(ps).stream().findFirst().orElseThrow(() -> new DeviceNotFoundException(deviceId));
        } catch (SQLException e) {
            throw new IllegalStateException("reading device " + deviceId + " failed", e);
        }
    }

    /** Revokes a device's token: refused from its next request on. */
    public Device revoke(String deviceId, String by) {
        Device device = get(deviceId);
        if (device.revokedAt() != null) {
            throw new DeviceConflictException("Device '" + deviceId + "' was already revoked at " + device.revokedAt());
        }
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE device SET revoked_at = ?, revoked_by = ? "
                        + "WHERE device_id = ? AND revoked_at IS NULL")) {
            ps.setObject(1, now());
            ps.setString(2, by);
            ps.setString(3, deviceId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("revoking " + deviceId + " failed", e);
        }
        Log.infof("Device %s revoked by %s", deviceId, by);
        return get(deviceId);
    }

    /** The valid (enrolled, unrevoked) device holding {@code token}; records that it was seen. */
    public Optional<Device> authenticate(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        try (Connection c = database.dataSource().getConnection()) {
            Optional<Device> device;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM device WHERE token_hash = ? " + "AND revoked_at IS NULL")) {
                ps.setString(1, TokenHash.of(token));
                device = devices(ps).stream().findFirst();
            }
            device.filter(d -> d.lastSeenAt() == null || d.lastSeenAt().isBefore(now().minus(Duration.ofMinutes(1))))
                    .ifPresent(d -> seen(c, d));
            return device;
        } catch (SQLException e) {
            throw new IllegalStateException("authenticating a device failed", e);
        }
    }

    private static void seen(Connection c, Device device) {
        try (PreparedStatement ps = c.prepareStatement("UPDATE device SET last_seen_at = ? WHERE device_id = ?")) {
            ps.setObject(1, now());
            ps.setString(2, device.deviceId());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("recording that " + device.deviceId() + " was seen failed", e);
        }
    }

    private static List<Device> devices(PreparedStatement ps) throws SQLException {
        List<Device> devices = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                devices.add(new Device(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getObject(3, OffsetDateTime.class),
                        rs.getString(4),
                        rs.getObject(5, OffsetDateTime.class),
                        rs.getString(6),
                        rs.getObject(7, OffsetDateTime.class),
                        rs.getString(8)));
            }
        }
        return devices;
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
