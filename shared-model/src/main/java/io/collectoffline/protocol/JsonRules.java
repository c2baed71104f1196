package io.collectoffline.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JSON rules both apps read and write by: a key given twice in one object is refused (with Jackson's default
 * the last one silently won, so what was checked and what was stored could differ), and instants are written one
 * way on every node ({@link Rfc3339}).
 */
public final class JsonRules {

    private JsonRules() {}

    /** Applies the rules to {@code mapper}; returns it. */
    public static <M extends ObjectMapper> M apply(M mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.registerModule(Rfc3339.jacksonModule());
        return mapper;
    }
}
