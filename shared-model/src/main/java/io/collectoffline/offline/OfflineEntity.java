package io.collectoffline.offline;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.collectoffline.protocol.TimeOrderedUuid;
import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.Version;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.UUID;

/**
 * Base class of every offline model: the identity, audit and version fields that a record carries everywhere.
 *
 * <p>The {@code id} is minted when the object is created, on the node where the record is created, and never
 * reassigned: it is the record's identity on every node, so relays and servers never need to translate keys.
 * The audit fields are filled by the node that writes the record (on a client, by the change-capture trigger in the
 * same statement, so that no code path can forget them) and travel unchanged in the payload. {@code version} counts
 * the record's changes: it detects stale edits and orders concurrent ones.
 */
@MappedSuperclass
public abstract class OfflineEntity {

    /** The version and audit columns: every change of a record sets them (a history row leaves them out). */
    public static final Set<String> AUDIT_COLUMNS = Set.of(
            "version",
            "created",
            "modified",
            "user_created",
            "user_modified",
            "hostname_created",
            "hostname_modified",
            "device_created",
            "device_modified");

    @Id
    @Column(name = "id", nullable = false, updatable = false)
    private UUID id = TimeOrderedUuid.next();

    @Version
    @Column(name = "version", nullable = false)
    private Long version;

    @Column(name = "created", insertable = false, updatable = false)
    private OffsetDateTime created;

    @Column(name = "modified", insertable = false, updatable = false)
    private OffsetDateTime modified;

    @Column(name = "user_created", length = 50, insertable = false, updatable = false)
    private String userCreated;

    @Column(name = "user_modified", length = 50, insertable = false, updatable = false)
    private String userModified;

    @Column(name = "hostname_created", length = 60, insertable = false, updatable = false)
    private String hostnameCreated;

    @Column(name = "hostname_modified", length = 60, insertable = false, updatable = false)
    private String hostnameModified;

    @Column(name = "device_created", length = 36, insertable = false, updatable = false)
    private String deviceCreated;

    @Column(name = "device_modified", length = 36, insertable = false, updatable = false)
    private String deviceModified;

    public UUID getId() {
        return id;
    }

    /**
     * Sets the id of a record that does not exist yet (an integrator that mints its own UUIDs). Never call it on a
     * stored record: the database refuses a changed id.
     */
    public void setId(UUID id) {
        this.id = id;
    }

    public Long getVersion() {
        return version;
    }

    public void setVersion(Long version) {
        this.version = version;
    }

    @JsonProperty(access = JsonProperty.Access.READ_ONLY)
    public OffsetDateTime getCreated() {
        return created;
    }

    @JsonProperty(access = JsonProperty.Access.READ_ONLY)
    public OffsetDateTime getModified() {
        return modified;
    }

    @JsonProperty(access = JsonProperty.Access.READ_ONLY)
    public String getUserCreated() {
        return userCreated;
    }

    @JsonProperty(access = JsonProperty.Access.READ_ONLY)
    public String getUserModified() {
        return userModified;
    }

    @JsonProperty(access = JsonProperty.Access.READ_ONLY)
    public String getHostnameCreated() {
        return hostnameCreated;
    }

    @JsonProperty(access = JsonProperty.Access.READ_ONLY)
    public String getHostnameModified() {
        return hostnameModified;
    }

    @JsonProperty(access = JsonProperty.Access.READ_ONLY)
    public String getDeviceCreated() {
        return deviceCreated;
    }

    @JsonProperty(access = JsonProperty.Access.READ_ONLY)
    public String getDeviceModified() {
        return deviceModified;
    }
}
