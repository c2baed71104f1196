package io.collectoffline.client.records;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One page of a model's records, oldest first.
 *
 * @param items records of this page
 * @param page  zero-based page number
 * @param size  page size asked for
 * @param total records of the model in all
 */
public record RecordPage(List<JsonNode> items, int page, int size, long total) {}
