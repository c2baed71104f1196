package io.collectoffline.offline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tracked items of a study, read from its model metadata ({@link TrackedItem}, {@link ItemReceipt}) and
 * checked: which table holds the items, which column their identifier and ready flag, what the manifest lists and
 * where the receipts are. The generic apps build their manifest and reconciliation SQL from here and know no study
 * table or column by name.
 *
 * @param item the tracked model
 * @param identifierField its identifier's field
 * @param identifierColumn its identifier's column
 * @param readyColumn its ready flag's column
 * @param manifest what each manifest entry lists after the identifier
 * @param receipt the receipt model
 * @param receiptIdentifier the receipt's identifier field
 * @param stage the receipt's stage field
 * @param time the receipt's time field
 * @param comment the receipt's comment field, null when it has none
 */
public record TrackedItems(
        ModelDescriptor item,
        String identifierField,
        String identifierColumn,
        String readyColumn,
        List<ManifestField> manifest,
        ModelDescriptor receipt,
        String receiptIdentifier,
        String stage,
        String time,
        String comment) {

    /** The most identifiers one side of a reconciliation report reads (said in the log when reached). */
    public static final int REPORT_MAX = 100_000;

    public TrackedItems {
        manifest = List.copyOf(manifest);
    }

    /**
     * One field a manifest entry lists.
     *
     * @param name its name in the entry
     * @param column its column
     * @param via the item's foreign-key column to the record holding it, null when the item holds it
     * @param viaTable that record's table, null when the item holds it
     */
    public record ManifestField(String name, String column, String via, String viaTable) {}

    /**
     * The study's tracked items, if it has a {@link TrackedItem} model and an {@link ItemReceipt} model for it.
     *
     * @throws InvalidOfflineModelException when the annotations name fields the models do not have, or a study
     *     declares more than one tracked model or receipt
     */
    public static Optional<TrackedItems> of(OfflineModelRegistry registry) {
        List<String> problems = new ArrayList<>();
        List<ModelDescriptor> items = registry.models().stream()
                .filter(m -> m.entityClass().isAnnotationPresent(TrackedItem.class))
                .toList();
        List<ModelDescriptor> receipts = registry.models().stream()
                .filter(m -> m.entityClass().isAnnotationPresent(ItemReceipt.class))
                .toList();
        if (items.isEmpty() && receipts.isEmpty()) {
            return Optional.empty();
        }
        if (items.size() != 1 || receipts.size() != 1) {
            throw new InvalidOfflineModelException(List.of("a study tracks items with exactly one @TrackedItem model "
                    + "and one @ItemReceipt model; found " + items.size() + " and " + receipts.size()));
        }
        ModelDescriptor item = items.get(0);
        ModelDescriptor receipt = receipts.get(0);
        TrackedItem tracked = item.entityClass().getAnnotation(TrackedItem.class);
        ItemReceipt received = receipt.entityClass().getAnnotation(ItemReceipt.class);
        if (received.item() != item.entityClass()) {
            problems.add("@ItemReceipt of " + receipt.name() + " receives "
                    + received.item().getName() + ", which is not the tracked model "
                    + item.entityClass().getName());
        }
        String identifierColumn = column(item, tracked.identifier(), problems);
        String readyColumn = column(item, tracked.ready(), problems);
        List<ManifestField> manifest = new ArrayList<>();
        for (String path : tracked.manifest()) {
            String[] parts = path.split("\\.", -1);
            if (parts.length == 1) {
                manifest.add(new ManifestField(path, column(item, path, problems), null, null));
            } else if (parts.length == 2 && item.references().containsKey(parts[0])) {
                Optional<ModelDescriptor> target =
                        registry.find(item.references().get(parts[0]));
                if (target.isPresent()) {
                    manifest.add(new ManifestField(
                            parts[1],
                            column(target.get(), parts[1], problems),
                            item.columns().get(parts[0]),
                            target.get().table()));
                }
            } else {
                problems.add("manifest field '" + path + "' of " + item.name() + " is neither a field nor "
                        + "referenceField.field over a @RefersTo field");
            }
        }
        for (String field : new String[] {received.identifier(), received.stage(), received.time()}) {
            column(receipt, field, problems);
        }
        if (!received.comment().isEmpty()) {
            column(receipt, received.comment(), problems);
        }
        if (!problems.isEmpty()) {
            throw new InvalidOfflineModelException(problems);
        }
        return Optional.of(new TrackedItems(
                item,
                tracked.identifier(),
                identifierColumn,
                readyColumn,
                manifest,
                receipt,
                received.identifier(),
                received.stage(),
                received.time(),
                received.comment().isEmpty() ? null : received.comment()));
    }

    private static String column(ModelDescriptor model, String field, List<String> problems) {
        String column = model.columns().get(field);
        if (column == null) {
            problems.add(model.name() + " has no field '" + field + "' (named by its tracked-item annotation)");
        }
        return column;
    }

    /** The names of a manifest entry's values, in order: the identifier field, then the manifest fields. */
    public List<String> manifestNames() {
        List<String> names = new ArrayList<>();
        names.add(identifierField);
        manifest.forEach(field -> names.add(field.name()));
        return names;
    }

    /**
     * The ready items with their manifest values, in identifier order: {@code SELECT} of {@link #manifestNames()}'s
     * values (aliases {@code t} for the item, {@code r1…} for referenced records).
     */
    public String manifestSql() {
        StringBuilder select = new StringBuilder("SELECT t.").append(identifierColumn);
        StringBuilder joins = new StringBuilder();
        int n = 0;
        for (ManifestField field : manifest) {
            if (field.via() == null) {
                select.append(", t.").append(field.column());
            } else {
                String alias = "r" + (++n);
                select.append(", ").append(alias).append('.').append(field.column());
                joins.append(" LEFT JOIN ")
                        .append(field.viaTable())
                        .append(' ')
                        .append(alias)
                        .append(" ON ")
                        .append(alias)
                        .append(".id = t.")
                        .append(field.via());
            }
        }
        return select.append(" FROM ")
                .append(item.table())
                .append(" t")
                .append(joins)
                .append(" WHERE t.")
                .append(readyColumn)
                .append(" = TRUE ORDER BY t.")
                .append(identifierColumn)
                .toString();
    }

    /** One manifest entry from a row of {@link #manifestSql()}: each value under its name. */
    public ObjectNode entry(Object[] row) {
        ObjectNode entry = JsonNodeFactory.instance.objectNode();
        List<String> names = manifestNames();
        for (int i = 0; i < names.size(); i++) {
            entry.set(names.get(i), RecordSnapshot.toJsonValue(row[i]));
        }
        return entry;
    }

    /** The identifier of a manifest entry. */
    public String identifierOf(ObjectNode entry) {
        return entry.path(identifierField).asText(null);
    }

    /** The identifiers marked in hand at a stage (one parameter: the stage). */
    public String inHandSql() {
        return "SELECT " + receipt.columns().get(receiptIdentifier) + " FROM " + receipt.table() + " WHERE "
                + receipt.columns().get(stage) + " = ?";
    }
}
