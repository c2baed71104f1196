package io.collectoffline.shipping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.collectoffline.protocol.Action;
import io.collectoffline.protocol.BatchResult;
import io.collectoffline.protocol.TransactionEnvelope;
import io.collectoffline.protocol.TransactionResult;
import io.collectoffline.protocol.TransactionStatus;
import io.collectoffline.shipping.LinkFailure.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The engine's semantics, the same for every hop, without a network or a database. */
class ShipperTest {

    private final Queue queue = new Queue();
    private final Hop hop = new Hop();

    {
        queue.sentTo = hop;
    }

    @Test
    void everythingPendingIsSentInOrderAndMarkedOnlyByTheAnswer() {
        queue.add("p", 5);

        ShipReport report = Shipper.ship(queue, hop, 2, new ShipObserver() {});

        assertThat(report.failure()).isNull();
        assertThat(report.accepted()).isEqualTo(5);
        assertThat(hop.sizes).containsExactly(2, 2, 1);
        assertThat(hop.stored).hasSize(5);
        assertThat(queue.pending()).isZero();
    }

    @Test
    void tooLargeHalvesTheBatchUntilItPasses() {
        queue.add("p", 7);
        hop.fail = batch -> batch.size() > 2 ? new LinkFailure(Kind.TOO_LARGE, "HTTP 413") : null;
        List<String> shrinks = new ArrayList<>();

        ShipReport report = Shipper.ship(queue, hop, 500, new ShipObserver() {
            @Override
            public void shrunk(int from, int to, LinkFailure why) {
                shrinks.add(from + "->" + to);
            }
        });

        assertThat(report.accepted()).isEqualTo(7);
        assertThat(shrinks).startsWith("7->4", "4->2");
        assertThat(hop.answered).allMatch(size -> size <= 2);
        assertThat(queue.pending()).isZero();
    }

    @Test
    void aTransactionTooLargeEvenAloneIsRefusedWithTheReasonAndTheQueueGoesOn() {
        queue.add("p", 3);
        UUID big = queue.order.get(1).txId();
        hop.fail = batch -> batch.stream().anyMatch(tx -> tx.txId().equals(big))
                ? new LinkFailure(Kind.TOO_LARGE, "HTTP 413")
                : null;

        ShipReport report = Shipper.ship(queue, hop, 10, new ShipObserver() {});

        assertThat(report.failure()).isNull();
        assertThat(report.accepted()).isEqualTo(2);
        assertThat(report.rejected()).isEqualTo(1);
        assertThat(queue.refused).containsOnlyKeys(big);
        assertThat(queue.refused.get(big)).contains("too large").contains("HTTP 413");
    }

    @Test
    void aTimeoutEndsThePassWithTheBatchHalvedForTheNextOneUntilItPasses() {
        queue.add("p", 8);
        hop.fail = batch -> batch.size() > 2 ? new LinkFailure(Kind.TIMEOUT, "timed out") : null;
        BatchLimit limit = new BatchLimit(() -> 8);
        List<Integer> shrunkTo = new ArrayList<>();
        ShipObserver observer = new ShipObserver() {
            @Override
            public void shrunk(int from, int to, LinkFailure why) {
                shrunkTo.add(to);
            }
        };

        ShipReport first = Shipper.ship(queue, hop, limit, observer);
        ShipReport second = Shipper.ship(queue, hop, limit, observer);
        ShipReport third = Shipper.ship(queue, hop, limit, observer);

        assertThat(first.failure().kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(second.failure().kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(third.failure()).isNull();
        assertThat(third.accepted()).isEqualTo(8);
        assertThat(hop.answered).allMatch(size -> size <= 2);
        assertThat(limit.current())
                .as("the next pass starts at the size that passed")
                .isEqualTo(2);
        assertThat(shrunkTo)
                .as("the caller's observer still hears each halving")
                .containsExactly(4, 2);
        assertThat(new BatchLimit(() -> 8).current()).isEqualTo(8);
    }

    @Test
    void aBatchStoredButAnsweredTooLateIsAskedForByTxIdAndNotSentAgain() {
        queue.add("p", 6);
        hop.fail = batch -> {
            if (batch.size() < 4) {
                return null;
            }
            batch.forEach(tx -> hop.stored.add(tx.txId())); // the hop stored the batch; only its answer was late
            hop.watermark = batch.get(batch.size() - 1).seq();
            return new LinkFailure(Kind.TIMEOUT, "timed out");
        };

        ShipReport timedOut = Shipper.ship(queue, hop, 4, new ShipObserver() {});
        ShipReport next = Shipper.ship(queue, hop, 2, new ShipObserver() {});

        assertThat(timedOut.failure().kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(next.failure()).isNull();
        assertThat(next.held()).isEqualTo(4);
        assertThat(next.accepted()).isEqualTo(2);
        assertThat(hop.answered)
                .as("only what the hop did not store is sent again")
                .containsExactly(2);
        assertThat(queue.pending()).isZero();
    }

    @Test
    void aTimeoutOfASingleTransactionEndsThePassAndKeepsItPending() {
        queue.add("p", 1);
        hop.fail = batch -> new LinkFailure(Kind.TIMEOUT, "timed out");

        ShipReport report = Shipper.ship(queue, hop, 8, new ShipObserver() {});

        assertThat(report.failure().kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(queue.pending()).isEqualTo(1);
        assertThat(queue.refused).isEmpty();
    }

    @Test
    void refusedCredentialsEndThePassWithNothingMarked() {
        queue.add("p", 3);
        hop.fail = batch -> new LinkFailure(Kind.AUTH_REFUSED, "HTTP 401");

        ShipReport report = Shipper.ship(queue, hop, 8, new ShipObserver() {});

        assertThat(report.failure().kind()).isEqualTo(Kind.AUTH_REFUSED);
        assertThat(report.batches()).isZero();
        assertThat(queue.pending()).isEqualTo(3);
        LinkState state =
                LinkState.FRESH.after(report, new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5)), Instant.EPOCH);
        assertThat(state.authProblem()).isEqualTo("HTTP 401");
        assertThat(state.due(Instant.EPOCH.plus(Duration.ofDays(1)))).isFalse();
    }

    @Test
    void aWatermarkMarksOnlyTheTxIdsTheNextHopHolds() {
        queue.add("p", 3);
        hop.watermark = 3;
        hop.stored.add(queue.order.get(0).txId()); // seqs 2 and 3 are held there with other txIds (a restored laptop)

        ShipReport report = Shipper.ship(queue, hop, 8, new ShipObserver() {});

        assertThat(report.held()).isEqualTo(1);
        assertThat(report.accepted()).isEqualTo(2);
        assertThat(hop.sizes).containsExactly(2);
    }

    @Test
    void aNextHopThatLostWhatItAcknowledgedGetsBackWhatItNoLongerHoldsAndNothingElse() {
        queue.add("p", 6);
        Shipper.ship(queue, hop, 8, new ShipObserver() {});
        assertThat(queue.pending()).isZero();
        // the hop is restored from a backup taken after seq 2; seq 5 reached it again by another route
        hop.stored.clear();
        for (int index : new int[] {0, 1, 4}) {
            hop.stored.add(queue.order.get(index).txId());
        }
        hop.watermark = 2;
        List<String> told = new ArrayList<>();

        ShipReport report = Shipper.ship(queue, hop, new BatchLimit(() -> 8), new ShipObserver() {
            @Override
            public void lost(String producer, long watermark, int resent) {
                told.add(producer + " after " + watermark + ": " + resent);
            }
        });

        assertThat(report.resent()).isEqualTo(3);
        assertThat(report.accepted()).isEqualTo(3);
        assertThat(hop.sizes).containsExactly(6, 3);
        assertThat(told).containsExactly("p after 2: 3");
        assertThat(hop.stored)
                .containsAll(queue.order.stream().map(TransactionEnvelope::txId).toList());
        assertThat(queue.pending()).isZero();
    }

    @Test
    void aWatermarkThatStopsAtATransactionStillPendingHereAsksForNothingBack() {
        queue.add("p", 4);
        queue.refused.put(queue.order.get(2).txId(), "refused by the server");
        Shipper.ship(queue, hop, 8, new ShipObserver() {});
        hop.watermark = 2; // seq 3 was refused: the hop holds 1, 2 and 4

        ShipReport report = Shipper.ship(queue, hop, 8, new ShipObserver() {});

        assertThat(report.resent()).isZero();
        assertThat(hop.heldAsked).isZero();
        assertThat(report.batches()).isZero();
    }

    @Test
    void anAnswerThatReordersTheQueueStartsThePassAgainButNotForEver() {
        queue.add("p", 2);
        queue.restartEvery = true;

        assertThatThrownBy(() -> Shipper.ship(queue, hop, 8, new ShipObserver() {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("re-ordered the queue 10 times");
        assertThat(hop.answered).hasSize(Shipper.MAX_RESTARTS + 1);
    }

    @Test
    void anAnswerThatCannotReorderTheQueueIsRecordedWhileTheNextBatchTravels() {
        queue.add("p", 6);
        queue.restartPossible = false;
        // each recording waits until the next batch has been sent: recorded in line, the pass would wait 2 s a batch
        queue.recordingWaitsFor = () -> hop.sizes.size() > queue.recordings.size() + 1 || queue.recordings.size() == 2;

        ShipReport report = Shipper.ship(queue, hop, 2, new ShipObserver() {});

        assertThat(report.failure()).isNull();
        assertThat(report.batches()).isEqualTo(3);
        assertThat(report.accepted()).isEqualTo(6);
        assertThat(queue.pending()).isZero();
        assertThat(queue.recordings)
                .as("batches 1 and 2 were recorded after the next one was sent, in order; the last one alone")
                .containsExactly("sent 2 before recording 1", "sent 3 before recording 2", "sent 3 before recording 3");
        assertThat(queue.recordedOn).allMatch(name -> name.equals("ship-record"));
    }

    @Test
    void anAnswerThatMayReorderTheQueueIsRecordedBeforeAnythingElseIsSent() {
        queue.add("p", 6);

        Shipper.ship(queue, hop, 2, new ShipObserver() {});

        assertThat(queue.recordings)
                .containsExactly("sent 1 before recording 1", "sent 2 before recording 2", "sent 3 before recording 3");
        assertThat(queue.recordedOn).allMatch(name -> !name.equals("ship-record"));
    }

    @Test
    void aPassThatFailsStillFinishesTheAnswerBeingRecordedAndCountsIt() {
        queue.add("p", 4);
        queue.restartPossible = false;
        hop.fail = batch -> hop.answered.size() == 1 ? new LinkFailure(Kind.UNAVAILABLE, "HTTP 503") : null;

        ShipReport report = Shipper.ship(queue, hop, 2, new ShipObserver() {});

        assertThat(report.failure().kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(report.accepted()).isEqualTo(2);
        assertThat(queue.pending()).isEqualTo(2);
        assertThat(queue.recordings).hasSize(1);
    }

    @Test
    void twoBatchesTravelAtOnceAndTheirAnswersAreRecordedInOrder() {
        queue.add("p", 8);
        queue.restartPossible = false;
        hop.inFlight = 2;
        // the hop answers a batch only once the next one is on its way too (or after 2 s: then the test fails)
        hop.answerWaitsFor = batch -> {
            long next = Math.min(4, (batch.get(0).seq() + 1) / 2 + 1);
            waitUntil(() -> hop.sizes.size() >= next);
        };

        ShipReport report = Shipper.ship(queue, hop, 2, new ShipObserver() {});

        assertThat(report.failure()).isNull();
        assertThat(report.accepted()).isEqualTo(8);
        assertThat(report.batches()).isEqualTo(4);
        assertThat(queue.pending()).isZero();
        assertThat(hop.mostTravelling.get()).as("two batches travelled at once").isEqualTo(2);
        assertThat(hop.travelling.get()).isZero();
        assertThat(queue.recordedSizes).containsExactly(2, 2, 2, 2);
        assertThat(queue.recordedOn).allMatch(name -> name.equals("ship-record"));
    }

    @Test
    void whenABatchFailsTheOneSentAfterItIsForgottenAndItsTransactionsStayPending() {
        queue.add("p", 4);
        queue.restartPossible = false;
        hop.inFlight = 2;
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        hop.fail = batch -> batch.get(0).seq() == 1 && failed.compareAndSet(false, true)
                ? new LinkFailure(Kind.UNAVAILABLE, "HTTP 503")
                : null;

        ShipReport first = Shipper.ship(queue, hop, 2, new ShipObserver() {});

        assertThat(first.failure().kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(hop.travelling.get())
                .as("nothing travels once the pass has returned")
                .isZero();
        assertThat(queue.pending())
                .as("the second batch's answer was not recorded")
                .isEqualTo(4);
        assertThat(queue.recordings).isEmpty();

        ShipReport second = Shipper.ship(queue, hop, 2, new ShipObserver() {});

        assertThat(second.failure()).isNull();
        assertThat(queue.pending()).isZero();
        assertThat(hop.stored).hasSize(4);
    }

    @Test
    void anAnswerThatMayReorderTheQueueIsRecordedTogetherWithTheBatchSentAfterIt() {
        queue.add("p", 4);
        hop.inFlight = 2;
        hop.answerWaitsFor = batch -> waitUntil(() -> hop.sizes.size() >= 2);

        ShipReport report = Shipper.ship(queue, hop, 2, new ShipObserver() {});

        assertThat(report.failure()).isNull();
        assertThat(report.batches()).isEqualTo(2);
        assertThat(queue.pending()).isZero();
        assertThat(queue.recordedSizes)
                .as("one recording of both batches' answers")
                .containsExactly(4);
        assertThat(queue.recordedOn).allMatch(name -> !name.equals("ship-record"));
    }

    @Test
    void anAnswerThatMayReorderTheQueueIsNotRecordedWhenTheBatchSentAfterItFailed() {
        queue.add("p", 4);
        hop.inFlight = 2;
        hop.fail = batch -> batch.get(0).seq() == 3 ? new LinkFailure(Kind.UNAVAILABLE, "HTTP 503") : null;

        ShipReport report = Shipper.ship(queue, hop, 2, new ShipObserver() {});

        assertThat(report.failure().kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(hop.stored).as("the hop stored the first batch").hasSize(2);
        assertThat(queue.recordings)
                .as("but its answer, which might re-issue the second batch, is not recorded")
                .isEmpty();
        assertThat(queue.pending()).isEqualTo(4);
    }

    @Test
    void aLinkOnWhichABatchTimedOutCarriesOneBatchAtATimeFromThenOn() {
        queue.add("p", 8);
        hop.inFlight = 2;
        BatchLimit limit = new BatchLimit(() -> 4);
        java.util.concurrent.atomic.AtomicBoolean timedOut = new java.util.concurrent.atomic.AtomicBoolean();
        hop.fail = batch -> batch.size() == 4 && timedOut.compareAndSet(false, true)
                ? new LinkFailure(Kind.TIMEOUT, "no answer within 60 s")
                : null;

        ShipReport first = Shipper.ship(queue, hop, limit, new ShipObserver() {});
        hop.mostTravelling.set(0);
        // each answer takes 50 ms: time enough for a second batch to be on its way, were it sent
        hop.answerWaitsFor = batch -> waitUntil(() -> false, 50);
        ShipReport second = Shipper.ship(queue, hop, limit, new ShipObserver() {});

        assertThat(first.failure().kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(limit.slow()).isTrue();
        assertThat(second.failure()).isNull();
        assertThat(queue.pending()).isZero();
        assertThat(hop.mostTravelling.get())
                .as("one batch at a time once the link timed out")
                .isEqualTo(1);
    }

    @Test
    void aSecondBatchThatTimesOutWhileTheFirstIsAnsweredHalvesTheSizeAndMarksTheLinkSlow() {
        queue.add("p", 8);
        hop.inFlight = 2;
        BatchLimit limit = new BatchLimit(() -> 4);
        hop.fail = batch -> batch.get(0).seq() == 5 ? new LinkFailure(Kind.TIMEOUT, "no answer within 60 s") : null;

        ShipReport report = Shipper.ship(queue, hop, limit, new ShipObserver() {});

        assertThat(report.failure().kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(limit.slow()).isTrue();
        assertThat(limit.current()).isEqualTo(2);
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) {
        waitUntil(condition, 2000);
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, long millis) {
        long until = System.nanoTime() + millis * 1_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < until) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    void backoffIsCappedExponentialWithJitterAndSurvivesInTheState() {
        Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(60));
        assertThat(backoff.after(1, bound -> 0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.after(1, bound -> bound - 1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.after(3, bound -> bound - 1)).isEqualTo(Duration.ofSeconds(8));
        assertThat(backoff.after(40, bound -> bound - 1)).isEqualTo(Duration.ofSeconds(60));
        assertThat(backoff.after(40, bound -> 0)).isEqualTo(Duration.ofSeconds(30));

        ShipReport failed = ShipReport.failed(new LinkFailure(Kind.UNAVAILABLE, "HTTP 503"));
        LinkState once = LinkState.FRESH.after(failed, backoff, Instant.EPOCH);
        LinkState twice = once.after(failed, backoff, Instant.EPOCH);
        assertThat(twice.failures()).isEqualTo(2);
        assertThat(twice.authProblem()).isNull();
        assertThat(twice.nextAttemptAt()).isBetween(Instant.EPOCH.plusSeconds(2), Instant.EPOCH.plusSeconds(4));
        assertThat(twice.due(Instant.EPOCH.plusSeconds(1))).isFalse();
        assertThat(twice.due(Instant.EPOCH.plusSeconds(5))).isTrue();
        assertThat(twice.after(new ShipReport(1, 1, 0, 0, 0, 0, null), backoff, Instant.EPOCH))
                .isEqualTo(LinkState.FRESH);
    }

    @Test
    void aBackoffCountedFromAClockSinceSetBackIsOverAtOnce() {
        Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5));
        ShipReport failed = ShipReport.failed(new LinkFailure(Kind.UNAVAILABLE, "no network"));
        Instant failedAt = Instant.parse("2027-06-01T12:00:00Z"); // the clock was a year ahead then
        LinkState state = LinkState.FRESH.after(failed, backoff, failedAt);

        assertThat(state.failedAt()).isEqualTo(failedAt);
        assertThat(state.due(failedAt.plusMillis(1)))
                .as("the wait counts from the failure")
                .isFalse();
        assertThat(state.due(failedAt.minusSeconds(30)))
                .as("a clock stepped back by seconds (NTP): still waits")
                .isFalse();
        assertThat(state.due(Instant.parse("2026-06-01T12:00:00Z")))
                .as("the clock put right, a year back: the wait is over")
                .isTrue();
        assertThat(new LinkState(1, failedAt.plusSeconds(60), "HTTP 401", "HTTP 401", failedAt)
                        .due(Instant.parse("2026-06-01T12:00:00Z")))
                .as("refused credentials still stop the schedule")
                .isFalse();
    }

    /** An in-memory queue keeping the engine's contract. */
    static final class Queue implements ShippingQueue {
        final List<TransactionEnvelope> order = new ArrayList<>();
        final Map<UUID, String> refused = new LinkedHashMap<>();
        final Set<UUID> delivered = java.util.concurrent.ConcurrentHashMap.newKeySet();
        boolean restartEvery;
        boolean restartPossible = true;
        java.util.function.BooleanSupplier recordingWaitsFor = () -> true;
        final List<String> recordings = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> recordedOn = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Integer> recordedSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        Hop sentTo;

        void add(String producer, int count) {
            for (int seq = 1; seq <= count; seq++) {
                order.add(new TransactionEnvelope(
                        UUID.randomUUID(),
                        producer,
                        seq,
                        "study.household",
                        UUID.randomUUID(),
                        Action.INSERT,
                        Instant.EPOCH,
                        "k",
                        new byte[] {1},
                        "site",
                        null,
                        null,
                        null));
            }
        }

        private boolean isPending(TransactionEnvelope tx) {
            return !delivered.contains(tx.txId()) && !refused.containsKey(tx.txId());
        }

        @Override
        public long pending() {
            return order.stream().filter(this::isPending).count();
        }

        @Override
        public List<String> producers() {
            return order.stream()
                    .filter(this::isPending)
                    .map(TransactionEnvelope::producer)
                    .distinct()
                    .toList();
        }

        /** Every producer, delivered or not, like a laptop's own streams. */
        @Override
        public List<String> producersToCheck() {
            return order.stream().map(TransactionEnvelope::producer).distinct().toList();
        }

        @Override
        public boolean marksDelivered(String producer, long seq) {
            return order.stream()
                    .anyMatch(tx -> tx.producer().equals(producer) && tx.seq() == seq && delivered.contains(tx.txId()));
        }

        @Override
        public List<Pending> deliveredAfter(String producer, long afterSeq, int limit) {
            return order.stream()
                    .filter(tx -> delivered.contains(tx.txId()))
                    .filter(tx -> tx.producer().equals(producer) && tx.seq() > afterSeq)
                    .limit(limit)
                    .map(tx -> new Pending(tx.txId(), tx.seq()))
                    .toList();
        }

        @Override
        public int requeue(List<UUID> txIds) {
            int requeued = 0;
            for (UUID txId : txIds) {
                requeued += delivered.remove(txId) ? 1 : 0;
            }
            return requeued;
        }

        @Override
        public List<Pending> pendingUpTo(String producer, long afterSeq, long upTo, int limit) {
            return order.stream()
                    .filter(this::isPending)
                    .filter(tx -> tx.producer().equals(producer) && tx.seq() > afterSeq && tx.seq() <= upTo)
                    .limit(limit)
                    .map(tx -> new Pending(tx.txId(), tx.seq()))
                    .toList();
        }

        @Override
        public int markHeld(List<UUID> txIds) {
            int marked = 0;
            for (UUID txId : txIds) {
                marked += delivered.add(txId) ? 1 : 0;
            }
            return marked;
        }

        @Override
        public List<TransactionEnvelope> next(Position after, int maxCount) {
            return order.stream()
                    .filter(this::isPending)
                    .filter(tx -> tx.producer().compareTo(after.producer()) > 0
                            || tx.producer().equals(after.producer()) && tx.seq() > after.seq())
                    .limit(maxCount)
                    .toList();
        }

        @Override
        public boolean mayRestart(List<TransactionResult> results) {
            return restartPossible;
        }

        @Override
        public Recorded record(List<TransactionEnvelope> batch, List<TransactionResult> results) {
            long until = System.nanoTime() + 2_000_000_000L;
            while (!recordingWaitsFor.getAsBoolean() && System.nanoTime() < until) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            recordings.add("sent " + sentTo.sizes.size() + " before recording " + (recordings.size() + 1));
            recordedSizes.add(batch.size());
            recordedOn.add(Thread.currentThread().getName());
            if (restartEvery) {
                return new Recorded(0, 0, 0, true);
            }
            int accepted = 0;
            for (TransactionResult result : results) {
                if (result.status() == TransactionStatus.ACCEPTED) {
                    delivered.add(result.txId());
                    accepted++;
                }
            }
            return new Recorded(accepted, 0, 0, false);
        }

        @Override
        public void refuse(TransactionEnvelope tx, String reason) {
            refused.put(tx.txId(), reason);
        }
    }

    /** A next hop that stores what it is sent, failing as told. */
    static final class Hop implements Link {
        final Set<UUID> stored = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final java.util.concurrent.atomic.AtomicInteger travelling = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger mostTravelling =
                new java.util.concurrent.atomic.AtomicInteger();
        int inFlight = 1;
        java.util.function.Consumer<List<TransactionEnvelope>> answerWaitsFor = batch -> {};
        final List<Integer> sizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Integer> answered = new java.util.concurrent.CopyOnWriteArrayList<>();
        Function<List<TransactionEnvelope>, LinkFailure> fail = batch -> null;
        long watermark;
        int heldAsked;

        @Override
        public long watermark(String producer) {
            return watermark;
        }

        @Override
        public List<UUID> held(String producer, List<UUID> txIds) {
            heldAsked++;
            return txIds.stream().filter(stored::contains).toList();
        }

        @Override
        public int inFlight() {
            return inFlight;
        }

        @Override
        public BatchResult send(List<TransactionEnvelope> batch) {
            int now = travelling.incrementAndGet();
            mostTravelling.accumulateAndGet(now, Math::max);
            try {
                LinkFailure failure = fail.apply(batch);
                if (failure != null) {
                    throw failure;
                }
                sizes.add(batch.size());
                answerWaitsFor.accept(batch);
            } finally {
                travelling.decrementAndGet();
            }
            answered.add(batch.size());
            List<TransactionResult> results = new ArrayList<>();
            for (TransactionEnvelope tx : batch) {
                stored.add(tx.txId());
                results.add(new TransactionResult(tx.txId(), TransactionStatus.ACCEPTED, null));
            }
            return new BatchResult(UUID.randomUUID(), results);
        }
    }
}
