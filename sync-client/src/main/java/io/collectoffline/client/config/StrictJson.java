package io.collectoffline.client.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.protocol.Rfc3339;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Every JSON body read by this app refuses a key given twice in one object: with the default, the last one silently
 * won ({@code txId} or a record field given twice), so what was checked and what was stored could differ. Instants
 * are written one way on every node ({@link Rfc3339}).
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    /** Last, after Quarkus registers its own modules: the instant serializers registered last are the ones used. */
    @Override
    public int priority() {
        return MINIMUM_PRIORITY;
    }

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.registerModule(Rfc3339.jacksonModule());
    }
}
