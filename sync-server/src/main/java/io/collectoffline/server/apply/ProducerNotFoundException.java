package io.collectoffline.server.apply;

/** No transaction of that producer has ever been stored or refused here. */
public class ProducerNotFoundException extends RuntimeException {

    public ProducerNotFoundException(String producer) {
        super("No transaction of producer " + producer + " has arrived here");
    }
}
