package io.collectoffline.client.records;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One change of one offline record as the laptop remembers it; written only by the capture trigger. */
@Entity
@Table(name = "record_history")
public class RecordHistoryEntry {

    @Id
    @Column(name = "id")
    Long id;

    @Column(name = "model", nullable = false, length = 100)
    String model;

    @Column(name = "record_id", nullable = false)
    UUID recordId;

    @Column(name = "action", nullable = false, length = 6)
    String action;

    /** The outgoing transaction of this change; null when capture was off. */
    @Column(name = "tx_id")
    UUID txId;

    @Column(name = "seq")
    Long seq;

    @Column(name = "changed_at", nullable = false)
    OffsetDateTime changedAt;

    @Column(name = "changed_by", length = 50)
    String changedBy;

    @Column(name = "device_id", nullable = false, length = 36)
    String deviceId;

    @Column(name = "hostname", length = 60)
    String hostname;

    /** JSON {@code {column: {"from": old, "to": new}}}. */
    @Column(name = "changes", nullable = false, length = 1000000)
    String changes;
}
