package io.collectoffline.server.records;

import java.util.UUID;

/** No record of that model with that id, and no history of one. */
public class RecordNotFoundException extends RuntimeException {

    public RecordNotFoundException(String model, UUID id) {
        super("No " + model + " record with id " + id);
    }
}
