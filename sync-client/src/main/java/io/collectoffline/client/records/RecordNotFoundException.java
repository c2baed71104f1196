package io.collectoffline.client.records;

import java.util.UUID;

/** No record of that model with that id. */
public class RecordNotFoundException extends RuntimeException {

    public RecordNotFoundException(String model, UUID id) {
        super("No " + model + " record with id " + id);
    }
}
