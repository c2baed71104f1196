package io.collectoffline.client.middleman;

import java.time.OffsetDateTime;

/**
 * A field laptop this middleman pulls from, and how far its transactions have got.
 *
 * @param producer     the field laptop's device id
 * @param url          where it was pulled from
 * @param lastPulledAt when
 * @param pulled       its transactions held here
 * @param pushed       of those, sent to the server at least once
 * @param acknowledged of those, acknowledged by the server (delivered)
 */
public record RelaySource(
        String producer, String url, OffsetDateTime lastPulledAt, long pulled, long pushed, long acknowledged) {}
