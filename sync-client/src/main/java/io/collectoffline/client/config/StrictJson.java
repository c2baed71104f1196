package io.collectoffline.client.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.collectoffline.protocol.JsonRules;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/** This app's JSON follows {@link JsonRules}: duplicate keys refused, one rendering of instants. */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    /** Last, after Quarkus registers its own modules: the instant serializers registered last are the ones used. */
    @Override
    public int priority() {
        return MINIMUM_PRIORITY;
    }

    @Override
    public void customize(ObjectMapper mapper) {
        JsonRules.apply(mapper);
    }
}
