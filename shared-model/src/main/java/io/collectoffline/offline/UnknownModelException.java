package io.collectoffline.offline;

/** A model name that is not in the offline-model registry (from a URL, a payload or an envelope). */
public class UnknownModelException extends RuntimeException {

    private final String model;

    public UnknownModelException(String model) {
        super("Unknown offline model '" + model + "'");
        this.model = model;
    }

    public String model() {
        return model;
    }
}
