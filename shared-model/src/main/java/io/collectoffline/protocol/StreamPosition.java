package io.collectoffline.protocol;

/**
 * Where a transaction was first numbered: the producer (stream) and seq it was captured and sealed under. Carried
 * by a transaction its device re-issued on a new stream after a divergence, because its payload stays sealed (and
 * authenticated) under its first numbering.
 *
 * @param producer the producer it was captured under
 * @param seq      its seq there
 */
public record StreamPosition(String producer, long seq) {

    @Override
    public String toString() {
        return producer + "/" + seq;
    }
}
