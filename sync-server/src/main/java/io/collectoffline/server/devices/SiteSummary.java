package io.collectoffline.server.devices;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;

/**
 * A site as this server knows it: from the devices assigned to it and the producers whose latest transaction
 * carries it (a site server's producers reach the central server with the site stamped on).
 *
 * @param site           the site id
 * @param devices        unrevoked devices enrolled here in it
 * @param producers      producers whose latest stored transaction belongs to it
 * @param lastReceivedAt when a transaction of it last arrived; absent when none has
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SiteSummary(String site, long devices, long producers, OffsetDateTime lastReceivedAt) {}
