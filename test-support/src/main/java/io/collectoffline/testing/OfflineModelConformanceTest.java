package io.collectoffline.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.offline.ModelDescriptor;
import io.collectoffline.offline.OfflineModelRegistry;
import io.collectoffline.offline.OfflineModelSet;
import io.collectoffline.offline.Upcasters;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The conformance test a team extends for each of its offline models (one small subclass per model). It checks,
 * through the real code — the packaged laptop and server apps, started once per test JVM on embedded H2 —
 * <ul>
 * <li>the registry: the model is declared correctly and its upcaster chain is complete;</li>
 * <li>the natural key: a record is found by its natural key, and a second record with the same natural key is
 * refused on the laptop (409, nothing captured);</li>
 * <li>the round trip: a record created on the laptop is captured, sealed, pushed, opened and applied, and the server
 * holds the same values (and an update after it).</li>
 * </ul>
 * The apps are the team's own builds: system properties {@code conformance.serverJar} and
 * {@code conformance.clientJar} (defaults: {@code ../sync-server/target/quarkus-app/quarkus-run.jar} and the same for
 * sync-client, as in this repository's e2e module).
 */
@ExtendWith(OfflineModelConformanceTest.AppsPerOutermostClass.class)
public abstract class OfflineModelConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    /** The server admin's API token, made with the CLI step before the server's first start. */
    private static String admin;

    private static Apps apps;

    /** The model's registry name, e.g. {@code study.household}. */
    protected abstract String model();

    /**
     * A valid new record for the laptop's data entry API ({@code POST /api/v1/records/{model}}, Java field names),
     * with a natural key not used before. It may first create the records it refers to through {@code laptop}.
     */
    protected abstract Map<String, Object> newRecord(Laptop laptop) throws Exception;

    /** A field of {@link #newRecord} to change in the round trip's update, and its new value. */
    protected abstract Map.Entry<String, Object> aChange();

    /** The laptop app under test, for {@link #newRecord} to create what a record refers to. */
    public static final class Laptop {

        private final String baseUrl;

        private Laptop(String baseUrl) {
            this.baseUrl = baseUrl;
        }

        /** Creates a record of {@code model} through the data entry API; returns the stored record. */
        public JsonNode create(String model, Map<String, Object> record) throws Exception {
            HttpResponse<String> response = send("POST", baseUrl + "/api/v1/records/" + model, null, record);
            Assertions.assertEquals(201, response.statusCode(), () -> "create " + model + ": " + response.body());
            return JSON.readTree(response.body());
        }
    }

    /**
     * The two apps and their folder, started for the outermost test class (one start for all the model classes
     * nested in it, as in {@code StudyModelsConformanceIT}) and stopped, their folder deleted, when that class ends —
     * not when the JVM exits.
     */
    private record Apps(AppProcess server, AppProcess laptop, Path work) implements AutoCloseable {

        @Override
        public void close() throws Exception {
            try {
                laptop.close();
                server.close();
            } finally {
                synchronized (OfflineModelConformanceTest.class) {
                    apps = null;
                }
                if (Files.exists(work)) {
                    try (var files = Files.walk(work)) {
                        for (Path file : files.sorted(java.util.Comparator.reverseOrder())
                                .toList()) {
                            Files.deleteIfExists(file);
                        }
                    }
                }
            }
        }
    }

    /** Starts the apps in the store of the outermost test class, which closes them when that class ends. */
    static final class AppsPerOutermostClass implements BeforeAllCallback {

        @Override
        public void beforeAll(ExtensionContext context) {
            ExtensionContext outermost = context;
            while (outermost.getParent().isPresent()
                    && outermost.getParent().get().getTestClass().isPresent()) {
                outermost = outermost.getParent().get();
            }
            Apps started = outermost
                    .getStore(ExtensionContext.Namespace.create(OfflineModelConformanceTest.class))
                    .getOrComputeIfAbsent(
                            "apps",
                            key -> {
                                try {
                                    return start();
                                } catch (Exception e) {
                                    throw new IllegalStateException("starting the apps failed", e);
                                }
                            },
                            Apps.class);
            synchronized (OfflineModelConformanceTest.class) {
                apps = started;
            }
        }
    }

    private static synchronized Apps apps() {
        Assertions.assertNotNull(apps, "the apps start before the first test of the outermost class");
        return apps;
    }

    private static Apps start() throws Exception {
        Path work = Files.createTempDirectory("conformance");
        int serverPort = AppProcess.freePort();
        Path serverJar = Path.of(
                System.getProperty("conformance.serverJar", "../sync-server/target/quarkus-app/quarkus-run.jar"));
        admin = ServerAdmin.viaCli(serverJar, work.resolve("server")); // the first admin, before the first start
        AppProcess server = AppProcess.start(
                        serverJar, serverPort, work.resolve("server"), "-Dsync.server.apply.interval=200ms")
                .awaitReady();
        HttpResponse<String> enrolment = send(
                "POST",
                server.baseUrl() + "/api/v1/devices",
                admin,
                Map.of("deviceId", "conformance-laptop", "role", "field"));
        Matcher token = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(enrolment.body());
        Assertions.assertTrue(token.find(), () -> "enrolment failed: " + enrolment.body());
        AppProcess laptop = AppProcess.start(
                        Path.of(System.getProperty(
                                "conformance.clientJar", "../sync-client/target/quarkus-app/quarkus-run.jar")),
                        AppProcess.freePort(),
                        work.resolve("laptop"),
                        "-Dsync.client.server.url=" + server.baseUrl(),
                        "-Dsync.client.server.token=" + token.group(1),
                        "-Dsync.client.device-id=conformance-laptop",
                        "-Dsync.client.users.login=off", // records are entered as a tool does
                        "-Dsync.client.push.interval=off")
                .awaitReady();
        return new Apps(server, laptop, work);
    }

    @Test
    void modelIsDeclaredCorrectlyAndItsUpcasterChainIsComplete() {
        OfflineModelRegistry registry = OfflineModelRegistry.of(OfflineModelSet.discover());
        ModelDescriptor descriptor = registry.find(model()).orElse(null);
        Assertions.assertNotNull(
                descriptor,
                () -> model() + " is not a registered offline model (is its class in an "
                        + "OfflineModelSet published in META-INF/services?)");
        Assertions.assertFalse(descriptor.naturalKeyColumns().isEmpty(), "a natural key is declared");
        Upcasters.discover(registry); // throws naming the model when a step is missing
    }

    @Test
    void naturalKeyFindsTheRecordAndASecondRecordWithItIsRefused() throws Exception {
        Laptop laptop = new Laptop(apps().laptop().baseUrl());
        Map<String, Object> record = newRecord(laptop);
        JsonNode created = laptop.create(model(), record);
        long pending = status(apps().laptop(), null).path("pending").asLong();

        JsonNode list = JSON.readTree(send(
                        "GET",
                        apps().laptop().baseUrl() + "/api/v1/records/" + model() + "?size=500&page="
                                + lastPage(apps().laptop()),
                        null,
                        null)
                .body());
        boolean found = false;
        for (JsonNode item : list.path("items")) {
            found |= item.path("id").asText().equals(created.path("id").asText());
        }
        Assertions.assertTrue(found, "the record is listed");

        HttpResponse<String> again =
                send("POST", apps().laptop().baseUrl() + "/api/v1/records/" + model(), null, record);
        Assertions.assertEquals(
                409, again.statusCode(), () -> "a second record with the same natural key: " + again.body());
        Assertions.assertTrue(again.body().contains("natural-key-taken"), again.body());
        Assertions.assertEquals(
                pending,
                status(apps().laptop(), null).path("pending").asLong(),
                "nothing captured for the refused record");
    }

    @Test
    void recordTravelsThroughCaptureCodecPushAndApplyUnchanged() throws Exception {
        Laptop laptop = new Laptop(apps().laptop().baseUrl());
        JsonNode created = laptop.create(model(), newRecord(laptop));
        String id = created.path("id").asText();
        Map.Entry<String, Object> change = aChange();
        ObjectNode edited = created.deepCopy();
        edited.set(change.getKey(), JSON.valueToTree(change.getValue()));
        HttpResponse<String> update =
                send("PUT", apps().laptop().baseUrl() + "/api/v1/records/" + model() + "/" + id, null, edited);
        Assertions.assertEquals(200, update.statusCode(), update::body);
        JsonNode onLaptop = JSON.readTree(update.body());

        HttpResponse<String> push = send("POST", apps().laptop().baseUrl() + "/api/v1/push?wait=true", null, "");
        Assertions.assertTrue(push.body().contains("DELIVERED"), () -> "push: " + push.body());
        JsonNode onServer = null;
        for (int i = 0; i < 100 && onServer == null; i++) {
            HttpResponse<String> read =
                    send("GET", apps().server().baseUrl() + "/api/v1/records/" + model() + "/" + id, admin, null);
            if (read.statusCode() == 200
                    && JSON.readTree(read.body()).path("version").asLong()
                            == onLaptop.path("version").asLong()) {
                onServer = JSON.readTree(read.body());
            } else {
                Thread.sleep(100);
            }
        }
        Assertions.assertNotNull(onServer, "the record was applied on the server");
        // the server answers columns (snake case), the laptop Java fields: compare every laptop field by column
        ModelDescriptor descriptor =
                OfflineModelRegistry.of(OfflineModelSet.discover()).require(model());
        for (Iterator<Map.Entry<String, JsonNode>> it = onLaptop.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String column = descriptor.columns().get(field.getKey());
            if (column == null) {
                continue;
            }
            JsonNode server = onServer.get(column);
            Assertions.assertNotNull(server, "the server has column " + column);
            Assertions.assertTrue(
                    same(field.getValue(), server),
                    () -> model() + "." + field.getKey() + ": laptop " + field.getValue() + ", server " + server);
        }
    }

    /** Equal values; instants compared as instants (the two apps may write them with other offsets or precision). */
    private static boolean same(JsonNode laptop, JsonNode server) {
        if (laptop.equals(server) || laptop.asText().equals(server.asText())) {
            return true;
        }
        try {
            return java.time.OffsetDateTime.parse(laptop.asText()).toInstant().toEpochMilli()
                    == java.time.OffsetDateTime.parse(server.asText())
                            .toInstant()
                            .toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            return laptop.isNumber()
                    && server.isNumber()
                    && laptop.decimalValue().compareTo(server.decimalValue()) == 0;
        }
    }

    private long lastPage(AppProcess laptop) throws Exception {
        JsonNode first =
                JSON.readTree(send("GET", laptop.baseUrl() + "/api/v1/records/" + model() + "?size=500", null, null)
                        .body());
        long total = first.path("total").asLong();
        return Math.max(0, (total - 1) / 500);
    }

    private static JsonNode status(AppProcess app, String token) throws Exception {
        return JSON.readTree(
                send("GET", app.baseUrl() + "/api/v1/status", token, null).body());
    }

    private static HttpResponse<String> send(String method, String url, String token, Object body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(
                                        body instanceof String s ? s : JSON.writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A natural-key value not used before in this test JVM, e.g. {@code unique("HH")} → {@code HH-1A2B3C4D}. */
    protected static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase(java.util.Locale.ROOT);
    }
}
