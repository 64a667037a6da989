package io.kommander.internal.wal;

import io.kommander.testing.ManualExecutor;
import io.kommander.wal.EntryKind;
import io.kommander.wal.HLCTimestampFixture;
import io.kommander.wal.HardState;
import io.kommander.wal.IWAL;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import io.kommander.wal.PartitionWrite;
import io.kommander.wal.WalBatch;
import io.kommander.wal.WalException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link FairWalScheduler} against a scripted WAL on a hand-driven pool: every interleaving below is chosen by the
 * test, none by threads (but for one test of two workers, which needs real ones). A write is named {@code partition@index} after the one entry it appends.
 */
class FairWalSchedulerTest {

    private final ManualExecutor pool = new ManualExecutor();
    private final ScriptedWal wal = new ScriptedWal();
    /** Completions in the order they ran: the write's name, then "ok" or the error's message. */
    private final Map<String, String> done = new LinkedHashMap<>();

    @Test
    void writesOfManyPartitionsQueuedTogetherBecomeOneWalWrite() {
        FairWalScheduler scheduler = new FairWalScheduler(wal, pool, 1, 8);
        for (int partition = 1; partition <= 4; partition++) {
            submit(scheduler, partition, 1);
        }

        pool.runAll(10);

        assertThat(wal.events).containsExactly("write[1@1, 2@1, 3@1, 4@1]");
        assertThat(done).containsOnlyKeys("1@1", "2@1", "3@1", "4@1").allSatisfy((write, outcome) ->
                assertThat(outcome).isEqualTo("ok"));
    }

    @Test
    void oneGroupWriteCarriesAtMostMaxPartitionsPerWrite() {
        FairWalScheduler scheduler = new FairWalScheduler(wal, pool, 1, 2);
        for (int partition = 1; partition <= 5; partition++) {
            submit(scheduler, partition, 1);
        }

        pool.runAll(10);

        assertThat(wal.events).containsExactly("write[1@1, 2@1]", "write[3@1, 4@1]", "write[5@1]");
    }

    @Test
    void hotPartitionWithADeepQueueCannotStarveTheOthers() {
        FairWalScheduler scheduler = new FairWalScheduler(wal, pool, 1, 1);
        for (int index = 1; index <= 200; index++) {
            submit(scheduler, 1, index);
        }
        submit(scheduler, 2, 1);
        submit(scheduler, 3, 1);

        pool.runAll(10);

        // Round-robin: the cold partitions go right after the hot one's first batch (64 writes at most), not after
        // its 200 writes; the hot partition's writes stay in submission order.
        assertThat(wal.events).hasSize(6);
        assertThat(wal.events.get(0)).isEqualTo(writeOf(1, 1, 64));
        assertThat(wal.events.subList(1, 3)).containsExactly("write[2@1]", "write[3@1]");
        assertThat(wal.events.subList(3, 6)).containsExactly(writeOf(1, 65, 128), writeOf(1, 129, 192),
                writeOf(1, 193, 200));
        assertThat(done.keySet()).filteredOn(write -> write.startsWith("1@")).containsExactlyElementsOf(
                names(1, 1, 200));
    }

    @Test
    void partitionHasOneWriteInFlightWhileOtherPartitionsProceed() {
        FairWalScheduler scheduler = new FairWalScheduler(wal, pool, 2, 8);
        submit(scheduler, 1, 1);
        wal.duringNextWrite(() -> {
            // While 1@1 is being written: 1@2 and 2@1 arrive, and the second worker runs meanwhile (on this one
            // thread it re-enters the write turn; what is shown is that partition 1 keeps one write in flight).
            submit(scheduler, 1, 2);
            submit(scheduler, 2, 1);
            assertThat(pool.runNext()).isTrue();
            assertThat(done).containsOnlyKeys("2@1");
        });

        pool.runAll(10);

        assertThat(wal.events).containsExactly("write[1@1]", "write[2@1]", "write[1@2]");
        assertThat(done.keySet()).containsExactly("2@1", "1@1", "1@2");
    }

    @Test
    void aSecondWorkerTakesItsGroupOnlyOnceTheWriteInFlightReturnedSoTheGroupHoldsEveryPartitionQueuedMeanwhile()
            throws InterruptedException {
        // Real threads: the second worker must wait for the first one's write, which a hand-driven pool cannot show.
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            FairWalScheduler scheduler = new FairWalScheduler(wal, threads, 2, 8);
            CountDownLatch writing = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            wal.duringNextWrite(() -> {
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Map<String, String> completed = new ConcurrentHashMap<>();
            submitRecording(scheduler, 1, completed);
            assertThat(writing.await(20, TimeUnit.SECONDS)).isTrue();
            // The second worker starts now, while 1@1 is being written.
            for (int partition = 2; partition <= 4; partition++) {
                submitRecording(scheduler, partition, completed);
            }
            release.countDown();

            await().atMost(Duration.ofSeconds(20)).until(() -> completed.size() == 4);
            assertThat(wal.events).containsExactly("write[1@1]", "write[2@1, 3@1, 4@1]");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void failedGroupWriteIsRetriedPartitionByPartitionSoOnlyThePartitionWhoseWriteFailsFails() {
        FairWalScheduler scheduler = new FairWalScheduler(wal, pool, 1, 2);
        submit(scheduler, 1, 1);
        submit(scheduler, 2, 1);
        submit(scheduler, 3, 1);
        wal.failWritesOf(2, new WalException("bad sector"));
        wal.duringNextWrite(() -> submit(scheduler, 2, 2));

        pool.runAll(10);

        // IWAL.write is atomic and WalException names no partition: the failed group left nothing, so each of its
        // partitions writes alone once more. Partition 2's own write fails, and so does the write queued behind
        // it; partition 1 is durable; partition 3, in the next group, is unaffected.
        assertThat(wal.events).containsExactly("write[1@1, 2@1]", "write[1@1]", "write[2@1]", "write[3@1]");
        assertThat(done).containsExactly(Map.entry("1@1", "ok"), Map.entry("2@1", "bad sector"),
                Map.entry("2@2", "bad sector"), Map.entry("3@1", "ok"));
    }

    @Test
    void failedPartitionRefusesWritesUntilReset() {
        FairWalScheduler scheduler = new FairWalScheduler(wal, pool, 1, 8);
        wal.failNextWrite(new WalException("disk full"));
        submit(scheduler, 1, 1);
        pool.runAll(10);
        assertThat(done.get("1@1")).isEqualTo("disk full");

        submit(scheduler, 1, 2);
        assertThat(done.get("1@2")).contains("an earlier write failed");
        assertThat(pool.queued()).isZero();

        // After its restore the partition writes index 1 again.
        scheduler.reset(1);
        submit(scheduler, 1, 1);
        pool.runAll(10);

        assertThat(wal.events).containsExactly("write[1@1]", "write[1@1]");
        assertThat(done.get("1@1")).isEqualTo("ok");
    }

    @Test
    void compactionRunsOnTheWriteSideBetweenThePartitionsWritesInSubmissionOrder() {
        FairWalScheduler scheduler = new FairWalScheduler(wal, pool, 1, 8);
        submit(scheduler, 1, 1);
        compact(scheduler, 1, 1);
        submit(scheduler, 1, 2);
        submit(scheduler, 2, 1);

        pool.runAll(10);

        // The compaction closes partition 1's batch: it runs after the group write carrying 1@1, and 1@2 waits
        // for the next group.
        assertThat(wal.events).containsExactly("write[1@1, 2@1]", "compact 1 to 1", "write[1@2]");
        assertThat(done).containsExactly(Map.entry("1@1", "ok"), Map.entry("2@1", "ok"),
                Map.entry("compact 1 to 1", "ok"), Map.entry("1@2", "ok"));
    }

    @Test
    void failedCompactionFailsOnlyItself() {
        FairWalScheduler scheduler = new FairWalScheduler(wal, pool, 1, 8);
        wal.failNextCompaction(new WalException("beyond the last index"));
        compact(scheduler, 1, 5);
        submit(scheduler, 1, 1);

        pool.runAll(10);

        assertThat(wal.events).containsExactly("compact 1 to 5", "write[1@1]");
        assertThat(done).containsExactly(Map.entry("compact 1 to 5", "beyond the last index"),
                Map.entry("1@1", "ok"));
    }

    @Test
    void compactionQueuedBehindAFailedWriteFailsWithIt() {
        FairWalScheduler scheduler = new FairWalScheduler(wal, pool, 1, 8);
        wal.failNextWrite(new WalException("disk full"));
        submit(scheduler, 1, 1);
        compact(scheduler, 1, 1);

        pool.runAll(10);

        assertThat(wal.events).containsExactly("write[1@1]");
        assertThat(done).containsExactly(Map.entry("1@1", "disk full"), Map.entry("compact 1 to 1", "disk full"));
    }

    @Test
    void emptyWriteCompletesInOrderWithoutReachingTheWal() {
        FairWalScheduler scheduler = new FairWalScheduler(wal, pool, 1, 8);
        scheduler.submit(1, PartitionWrite.append(1, List.of()), recordAs("empty"));

        pool.runAll(10);

        assertThat(wal.events).isEmpty();
        assertThat(done).containsExactly(Map.entry("empty", "ok"));
    }

    // ------------------------------------------------------------------ helpers

    private void submit(FairWalScheduler scheduler, int partition, long index) {
        LogEntry entry = new LogEntry(index, 1, EntryKind.DATA, HLCTimestampFixture.at(index), "t", new byte[0]);
        scheduler.submit(partition, PartitionWrite.append(partition, List.of(entry)),
                recordAs(partition + "@" + index));
    }

    /** Submits {@code partition@1}, recorded in a map the test may read from another thread. */
    private static void submitRecording(FairWalScheduler scheduler, int partition, Map<String, String> completed) {
        LogEntry entry = new LogEntry(1, 1, EntryKind.DATA, HLCTimestampFixture.at(1), "t", new byte[0]);
        scheduler.submit(partition, PartitionWrite.append(partition, List.of(entry)),
                error -> completed.put(partition + "@1", error == null ? "ok" : error.getMessage()));
    }

    private void compact(FairWalScheduler scheduler, int partition, long index) {
        scheduler.compact(partition, new LogPosition(index, 1), recordAs("compact " + partition + " to " + index));
    }

    private Consumer<Throwable> recordAs(String name) {
        return error -> done.put(name, error == null ? "ok" : error.getMessage());
    }

    private static List<String> names(int partition, long from, long to) {
        List<String> names = new ArrayList<>();
        for (long index = from; index <= to; index++) {
            names.add(partition + "@" + index);
        }
        return names;
    }

    private static String writeOf(int partition, long from, long to) {
        return "write[" + String.join(", ", names(partition, from, to)) + "]";
    }

    /**
     * An {@link IWAL} that records the writes and compactions it is asked for, fails the ones the test scripts,
     * and runs a test's hook while a write is "in flight". Nothing else is supported.
     */
    private static final class ScriptedWal implements IWAL {

        final List<String> events = new ArrayList<>();
        private RuntimeException nextWriteFailure;
        private final Map<Integer, RuntimeException> failingPartitions = new HashMap<>();
        private RuntimeException nextCompactionFailure;
        private Runnable duringNextWrite;

        void failNextWrite(RuntimeException failure) {
            nextWriteFailure = failure;
        }

        /** Every write carrying data of {@code partition} fails (a bad sector under its data, say). */
        void failWritesOf(int partition, RuntimeException failure) {
            failingPartitions.put(partition, failure);
        }

        void failNextCompaction(RuntimeException failure) {
            nextCompactionFailure = failure;
        }

        void duringNextWrite(Runnable hook) {
            duringNextWrite = hook;
        }

        @Override
        public void write(WalBatch batch) {
            events.add(batch.writes().stream()
                    .flatMap(w -> w.entries().stream().map(e -> w.partition() + "@" + e.index()))
                    .collect(Collectors.joining(", ", "write[", "]")));
            Runnable hook = duringNextWrite;
            duringNextWrite = null;
            if (hook != null) {
                hook.run();
            }
            RuntimeException failure = nextWriteFailure;
            nextWriteFailure = null;
            if (failure != null) {
                throw failure;
            }
            for (PartitionWrite write : batch.writes()) {
                RuntimeException partitionFailure = failingPartitions.get(write.partition());
                if (partitionFailure != null) {
                    throw partitionFailure;
                }
            }
        }

        @Override
        public void compact(int partition, LogPosition upTo) {
            events.add("compact " + partition + " to " + upTo.index());
            RuntimeException failure = nextCompactionFailure;
            nextCompactionFailure = null;
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public List<LogEntry> read(int partition, long fromIndex, long toIndex, long maxBytes) {
            throw new UnsupportedOperationException();
        }

        @Override
        public LogPosition lastPosition(int partition) {
            throw new UnsupportedOperationException();
        }

        @Override
        public LogPosition compactedUpTo(int partition) {
            throw new UnsupportedOperationException();
        }

        @Override
        public HardState hardState(int partition) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long lastCheckpoint(int partition) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void installSnapshotBoundary(int partition, LogPosition boundary) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void removePartition(int partition) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<byte[]> metadata(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Set<Integer> partitions() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }
}
