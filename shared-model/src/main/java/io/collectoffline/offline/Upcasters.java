package io.collectoffline.offline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The upcasters of every model, checked as a chain: each model of schema version {@code v} has exactly one step from
 * each version 1 … v-1 and none for an unknown model or version. A broken chain stops start-up naming the model.
 */
public final class Upcasters {

    private final Map<String, Upcaster[]> byModel;
    private final OfflineModelRegistry registry;

    private Upcasters(Map<String, Upcaster[]> byModel, OfflineModelRegistry registry) {
        this.byModel = byModel;
        this.registry = registry;
    }

    /** @throws InvalidOfflineModelException naming each model whose chain is broken */
    public static Upcasters of(List<Upcaster> upcasters, OfflineModelRegistry registry) {
        List<String> problems = new ArrayList<>();
        Map<String, Upcaster[]> byModel = new HashMap<>();
        for (Upcaster upcaster : upcasters) {
            ModelDescriptor model = registry.find(upcaster.model()).orElse(null);
            if (model == null) {
                problems.add("upcaster " + upcaster.getClass().getName() + " is for unknown model '" + upcaster.model()
                        + "'");
                continue;
            }
            int from = upcaster.fromVersion();
            if (from < 1 || from >= model.schemaVersion()) {
                problems.add(model.name() + ": upcaster " + upcaster.getClass().getName() + " reads version " + from
                        + ", but the model's versions before its current " + model.schemaVersion() + " are 1 to "
                        + (model.schemaVersion() - 1));
                continue;
            }
            Upcaster[] chain = byModel.computeIfAbsent(model.name(), m -> new Upcaster[model.schemaVersion()]);
            if (chain[from] != null) {
                problems.add(model.name() + ": two upcasters read version " + from + " ("
                        + chain[from].getClass().getName() + ", "
                        + upcaster.getClass().getName() + ")");
            }
            chain[from] = upcaster;
        }
        for (ModelDescriptor model : registry.models()) {
            Upcaster[] chain = byModel.get(model.name());
            for (int v = 1; v < model.schemaVersion(); v++) {
                if (chain == null || chain[v] == null) {
                    problems.add(model.name() + " is at schema version " + model.schemaVersion()
                            + " but has no upcaster from version " + v + " to " + (v + 1)
                            + ": payloads of laptops still on version " + v + " could not be applied");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidOfflineModelException(problems);
        }
        return new Upcasters(Map.copyOf(byModel), registry);
    }

    /** The upcasters published with the offline models on the class path, checked against {@code registry}. */
    public static Upcasters discover(OfflineModelRegistry registry) {
        return of(OfflineModelSet.discoverUpcasters(), registry);
    }

    /**
     * {@code fields} of {@code model} at {@code version}, brought to the model's current version (a copy; the same
     * fields when already current).
     *
     * @throws IllegalArgumentException when {@code version} is newer than the model's current version or below 1
     */
    public ObjectNode toCurrent(String model, int version, ObjectNode fields) {
        int current = registry.require(model).schemaVersion();
        if (version > current || version < 1) {
            throw new IllegalArgumentException("schema version " + version + " of " + model + " is not one this node "
                    + "knows (1 to " + current + ")");
        }
        if (version == current) {
            return fields;
        }
        ObjectNode copy = fields.deepCopy();
        Upcaster[] chain = byModel.get(model);
        for (int v = version; v < current; v++) {
            chain[v].upcast(copy);
        }
        return copy;
    }
}
