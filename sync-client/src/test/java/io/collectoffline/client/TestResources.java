package io.collectoffline.client;

import io.quarkus.test.common.QuarkusTestResource;

/** Registers the test resources that every test app of the laptop uses. */
@QuarkusTestResource(TestServerKeys.class)
public class TestResources {}
