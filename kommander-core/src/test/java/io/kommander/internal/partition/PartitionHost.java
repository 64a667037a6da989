package io.kommander.internal.partition;

import io.kommander.RaftConfiguration;
import io.kommander.RaftLog;
import io.kommander.internal.clock.HybridLogicalClock;
import io.kommander.internal.transport.RaftTransportDispatcher;
import io.kommander.internal.wal.FairReadScheduler;
import io.kommander.internal.wal.FairWalScheduler;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.testing.ManualExecutor;
import io.kommander.transport.IRaftTransport;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.TransportBinding;
import io.kommander.wal.InMemoryWAL;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * One {@link RaftPartition} on a hand-driven node for unit tests of the host: every pool, the callback executor
 * included, is one {@link ManualExecutor} that the test runs; time stands still; the WAL is in memory; outbound
 * batches and the partition's callbacks are recorded. No threads.
 */
final class PartitionHost {

    static final String SELF = "127.0.0.1:7001";
    static final String PEER = "127.0.0.1:7002";

    final ManualExecutor pool = new ManualExecutor();
    final InMemoryWAL wal = new InMemoryWAL();
    final List<MessageBatch> sent = new ArrayList<>();
    final List<RaftLog> delivered = new ArrayList<>();
    final Map<Integer, Throwable> failures = new ConcurrentHashMap<>();
    final RaftPartition partition;

    /** Partition 1 of a two-member group ({@link #SELF} and {@link #PEER}), not started. */
    PartitionHost() {
        RaftConfiguration configuration = RaftConfiguration.builder().port(7001).build();
        IRaftRuntime runtime = new HandRuntime(pool);
        RaftTransportDispatcher dispatcher = new RaftTransportDispatcher(SELF, new RecordingTransport(sent), pool,
                64);
        PartitionContext context = new PartitionContext(configuration, SELF, List.of(PEER), runtime, wal,
                new FairWalScheduler(wal, pool, 1, 16), new FairReadScheduler(pool, 1), dispatcher,
                new HybridLogicalClock(runtime::wallClockMillis, 1), ReplicaCatchUp.NONE);
        partition = new RaftPartition(1, context, new PartitionCallbacks() {
            @Override
            public void delivered(int p, RaftLog log) {
                delivered.add(log);
            }

            @Override
            public void restored(int p, RaftLog log) {
            }

            @Override
            public void leaderChanged(int p, String leader) {
            }

            @Override
            public void restoreStarted(int p) {
            }

            @Override
            public void restoreFinished(int p) {
            }

            @Override
            public void partitionFailed(int p, Throwable cause) {
                failures.put(p, cause);
            }
        });
    }

    /** Runs everything queued, and everything that queues, until nothing is left. */
    void settle() {
        pool.runAll(10_000);
    }

    private record HandRuntime(Executor pool) implements IRaftRuntime {
        @Override
        public long monotonicMillis() {
            return 0;
        }

        @Override
        public long wallClockMillis() {
            return 0;
        }

        @Override
        public Cancellable schedule(long delayMillis, Runnable task) {
            return () -> { };
        }

        @Override
        public Executor partitionPool() {
            return pool;
        }

        @Override
        public Executor walWritePool() {
            return pool;
        }

        @Override
        public Executor walReadPool() {
            return pool;
        }

        @Override
        public Executor callbackExecutor() {
            return pool;
        }

        @Override
        public RandomGenerator random(long salt) {
            return IRaftRuntime.seeded(1, salt);
        }

        @Override
        public void close() {
        }
    }

    private record RecordingTransport(List<MessageBatch> sent) implements IRaftTransport {
        @Override
        public void start(TransportBinding binding) {
        }

        @Override
        public void send(String endpoint, MessageBatch batch) {
            sent.add(batch);
        }

        @Override
        public void close() {
        }
    }
}
