package io.collectoffline.server.config;

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

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.registerModule(Rfc3339.jacksonModule());
    }
}
