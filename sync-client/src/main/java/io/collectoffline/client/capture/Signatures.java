package io.collectoffline.client.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The signatures of the changes one piece of work captures ({@link CaptureRuntime#signingTogether}), made while the
 * work goes on: every {@value #CHUNK} changes go to a pool thread to be signed, so that signing (the largest part of
 * a captured change's cost, issue 18) runs on the other core while the work's thread writes the next records. At the
 * end the work's thread signs what no pool thread has taken yet, then waits for the rest.
 */
final class Signatures {

    /** Changes signed by one task. */
    static final int CHUNK = 64;

    private final List<Chunk> chunks = new ArrayList<>();
    private List<CaptureTrigger.Captured> open = new ArrayList<>(CHUNK);

    /** Adds a change; a full chunk starts being signed on a pool thread. */
    void add(CaptureTrigger.Captured change) {
        open.add(change);
        if (open.size() == CHUNK) {
            Chunk chunk = close();
            ForkJoinPool.commonPool().execute(chunk::sign);
        }
    }

    private Chunk close() {
        Chunk chunk = new Chunk(open);
        chunks.add(chunk);
        open = new ArrayList<>(CHUNK);
        return chunk;
    }

    /** Every change added, in order. */
    List<CaptureTrigger.Captured> changes() {
        List<CaptureTrigger.Captured> all = new ArrayList<>();
        chunks.forEach(c -> all.addAll(c.changes));
        all.addAll(open);
        return all;
    }

    /** The signatures of {@link #changes()}, in the same order: signs what is left here, waits for the rest. */
    List<byte[]> await() {
        if (!open.isEmpty()) {
            close();
        }
        chunks.forEach(Chunk::sign); // the chunks no pool thread has started are signed here
        List<byte[]> all = new ArrayList<>();
        for (Chunk chunk : chunks) {
            all.addAll(chunk.await());
        }
        return all;
    }

    /** Gives up: chunks not started are not signed (the work failed; its transaction rolls back). */
    void cancel() {
        chunks.forEach(c -> c.claimed.set(true));
    }

    private static final class Chunk {
        final List<CaptureTrigger.Captured> changes;
        final AtomicBoolean claimed = new AtomicBoolean();
        final CountDownLatch done = new CountDownLatch(1);
        volatile List<byte[]> signatures;
        volatile RuntimeException failure;

        Chunk(List<CaptureTrigger.Captured> changes) {
            this.changes = changes;
        }

        /** Signs the chunk unless another thread has taken it. */
        void sign() {
            if (!claimed.compareAndSet(false, true)) {
                return;
            }
            try {
                signatures = changes.stream().map(CaptureTrigger.Captured::sign).toList();
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                done.countDown();
            }
        }

        List<byte[]> await() {
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for signatures", e);
            }
            if (failure != null) {
                throw new IllegalStateException("signing a captured change failed", failure);
            }
            return signatures;
        }
    }
}
