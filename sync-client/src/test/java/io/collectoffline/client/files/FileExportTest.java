package io.collectoffline.client.files;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.collectoffline.client.TestDb;
import io.collectoffline.shipping.ChecksummedFile;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The laptop's outbox to a file and the receipt back, against receipts written as a server writes them. */
@QuarkusTest
class FileExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    TestDb db;

    @Test
    void anExportMarksNothingAndOnlyAReceiptAccountingForEveryTransactionDelivers() throws Exception {
        db.newHousehold(TestDb.uniqueIdentifier("HH"));
        db.newHousehold(TestDb.uniqueIdentifier("HH"));
        long pending = pending();

        Path file = Path.of(given().post("/api/v1/files/export")
                .then()
                .statusCode(200)
                .body("transactions", equalTo((int) pending))
                .extract()
                .<String>path("file"));
        JsonNode header = ChecksummedFile.verify(file, ChecksummedFile.EXPORT_FORMAT);
        assertThat(header.path("node").asText()).isEqualTo("test-laptop");
        assertThat(header.path("registrations").isArray()).isTrue();
        List<String> txIds = new ArrayList<>();
        ChecksummedFile.body(file, line -> txIds.add(line.path("txId").asText()));
        assertThat(txIds).hasSize((int) pending);
        assertThat(pending()).isEqualTo(pending);
        given().post("/api/v1/files/export").then().statusCode(200).body("transactions", equalTo(0));

        // a receipt that does not answer every transaction marks nothing
        byte[] partial = receipt(header.path("batchId").asText(), "test-laptop", txIds.size() - 1, List.of());
        given().contentType("application/octet-stream")
                .body(partial)
                .post("/api/v1/files/receipts")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("rejected"));
        // nor one for another laptop's file
        byte[] foreign = receipt(header.path("batchId").asText(), "other-laptop", txIds.size(), List.of());
        given().contentType("application/octet-stream")
                .body(foreign)
                .post("/api/v1/files/receipts")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("exporter"));
        assertThat(pending()).isEqualTo(pending);

        String refused = txIds.get(0);
        byte[] receipt = receipt(header.path("batchId").asText(), "test-laptop", txIds.size() - 1, List.of(refused));
        given().contentType("application/octet-stream")
                .body(receipt)
                .post("/api/v1/files/receipts")
                .then()
                .statusCode(200)
                .body("delivered", equalTo(txIds.size() - 1))
                .body("rejected", equalTo(1));
        assertThat(pending()).isZero();
        assertThat(db.count("SELECT COUNT(*) FROM outgoing_transaction WHERE delivered_via = 'RECEIPT'"))
                .isGreaterThanOrEqualTo(txIds.size() - 1);
        given().get("/api/v1/outbox/rejected")
                .then()
                .body(
                        "find { it.txId == '" + refused + "' }.reason",
                        equalTo("refused by central (file import): unknown model"));
        given().contentType("application/octet-stream")
                .body(receipt)
                .post("/api/v1/files/receipts")
                .then()
                .statusCode(200)
                .body("delivered", equalTo(0));
        given().get("/api/v1/files").then().statusCode(200).body("[0].receiptAt", org.hamcrest.Matchers.notNullValue());

        // a laptop that travels only by file sends what the receipt refused again in its next file once
        // resend-rejected-after passed (the server may have been upgraded meanwhile), as a push would
        given().post("/api/v1/files/export").then().statusCode(200).body("transactions", equalTo(0));
        db.update(
                "UPDATE outgoing_transaction SET rejected_at = DATEADD('HOUR', -7, rejected_at) WHERE tx_id = ?",
                java.util.UUID.fromString(refused));
        Path again = Path.of(given().post("/api/v1/files/export")
                .then()
                .statusCode(200)
                .body("transactions", equalTo(1))
                .extract()
                .<String>path("file"));
        List<String> carried = new ArrayList<>();
        ChecksummedFile.body(again, line -> carried.add(line.path("txId").asText()));
        assertThat(carried).containsExactly(refused);
    }

    @Test
    void aDamagedReceiptIsRefusedWhole() throws Exception {
        byte[] receipt = receipt("00000000-0000-0000-0000-000000000001", "test-laptop", 0, List.of());
        receipt[receipt.length / 3] ^= 1;
        given().contentType("application/octet-stream")
                .body(receipt)
                .post("/api/v1/files/receipts")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:collect-offline:problem:unusable-file"));
    }

    private long pending() {
        return db.count("SELECT COUNT(*) FROM outgoing_transaction WHERE delivered_at IS NULL AND rejected_at IS NULL");
    }

    /** A receipt as a server writes it: {@code accepted} stored, {@code refused} refused as an unknown model. */
    private static byte[] receipt(String batchId, String exporter, int accepted, List<String> refused)
            throws Exception {
        ObjectNode header = JsonNodeFactory.instance.objectNode();
        header.put("format", ChecksummedFile.RECEIPT_FORMAT);
        header.put("batchId", batchId);
        header.put("exporter", exporter);
        header.put("importer", "central");
        header.put("transactions", accepted + refused.size());
        header.put("accepted", accepted);
        header.put("duplicate", 0);
        ArrayNode rejected = header.putArray("rejected");
        for (String txId : refused) {
            rejected.addObject().put("txId", txId).put("reason", "unknown model");
        }
        Path file = Files.createTempFile("receipt", ".receipt");
        ChecksummedFile.write(file, header, lines -> {});
        byte[] bytes = Files.readAllBytes(file);
        Files.delete(file);
        return bytes;
    }
}
