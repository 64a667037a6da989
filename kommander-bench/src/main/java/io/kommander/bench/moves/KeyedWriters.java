package io.kommander.bench.moves;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.WriteOutcome;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code moves} run's clients: each thread writes fresh keys one at a time (key {@code c<client>-<n>}, the
 * payload is the key), routed by the partition map with the generation it saw, to the partition's leader. A
 * {@code PartitionMoved} refusal is counted and the write retried with a fresh map (after a millisecond's pause when
 * the map has not changed yet); a try that was not appended
 * (no leader yet, not the leader) is retried; a write whose outcome is unknown is counted as an error and left out of
 * the acknowledged set. Latency is from the first try to the acknowledgement.
 *
 * <p>Thread-safe: the clients' threads record, the measuring thread cuts phases with {@link #cut}.
 */
final class KeyedWriters implements AutoCloseable {

    private static final long TRY_TIMEOUT_SECONDS = 30;
    /** Counted among the retries when no node believes it leads the key's partition (no try is made then). */
    private static final String NO_LEADER = "noLeaderKnown";
    private static final long RETRY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final MovesCluster cluster;
    private final Recorder latencyMicros = new Recorder(3);
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Map<String, AtomicLong> errorsByStatus = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> retriesByStatus = new ConcurrentHashMap<>();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    KeyedWriters(MovesCluster cluster, int clients) {
        this.cluster = cluster;
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(new Thread(() -> write(client), "moves-client-" + c));
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    /** Every key whose write was acknowledged so far. */
    Set<String> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    /** What was recorded since the previous cut, as the phase {@code name} of {@code millis}. */
    PhaseResult cut(String name, long millis) {
        Histogram interval = latencyMicros.getIntervalHistogram();
        return PhaseResult.of(name, millis, interval, refusals.getAndSet(0), errors.getAndSet(0));
    }

    private void write(int client) {
        for (long n = 0; running; n++) {
            String key = "c" + client + "-" + n;
            long start = System.nanoTime();
            if (writeOnce(key)) {
                acknowledged.add(key);
                latencyMicros.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
            }
        }
    }

    /** Writes {@code key} until acknowledged, refused for good or unknown; true once acknowledged. */
    private boolean writeOnce(String key) {
        byte[] payload = key.getBytes(StandardCharsets.UTF_8);
        while (running) {
            PartitionMap map = cluster.map();
            Optional<PartitionDescriptor> owner = map.ownerOfKey(key);
            int leader = owner.map(o -> cluster.leaderOf(o.id())).orElse(-1);
            if (leader < 0) {
                retriesByStatus.computeIfAbsent(NO_LEADER, s -> new AtomicLong()).incrementAndGet();
                LockSupport.parkNanos(RETRY_PAUSE_NANOS);
                continue;
            }
            RaftReplicationResult result;
            try {
                result = cluster.node(leader).replicateLogs(owner.get().id(), "moves", List.of(payload), true,
                        owner.get().generation()).get(TRY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                countError(e.getClass().getSimpleName());
                return false;
            }
            if (result.success()) {
                return true;
            }
            if (result.status() == RaftOperationStatus.PartitionMoved) {
                refusals.incrementAndGet();
                if (cluster.map().version() == map.version()) {
                    // The refusal came before node 0's map learnt the change: wait for it rather than spin.
                    LockSupport.parkNanos(RETRY_PAUSE_NANOS);
                }
            } else if (result.outcome() == WriteOutcome.NOT_APPENDED) {
                retriesByStatus.computeIfAbsent(result.status().name(), s -> new AtomicLong()).incrementAndGet();
                LockSupport.parkNanos(RETRY_PAUSE_NANOS);
            } else {
                countError(result.status().name());
                return false;
            }
        }
        return false;
    }

    /** The errors of the whole run by status (or exception), to tell what made writes' outcomes unknown. */
    Map<String, Long> errorsByStatus() {
        return snapshot(errorsByStatus);
    }

    /**
     * The tries of the whole run refused without being appended (PartitionMoved aside) by status, and the pauses
     * for want of a leader: all retried.
     */
    Map<String, Long> retriesByStatus() {
        return snapshot(retriesByStatus);
    }

    private static Map<String, Long> snapshot(Map<String, AtomicLong> counters) {
        Map<String, Long> counts = new TreeMap<>();
        counters.forEach((status, count) -> counts.put(status, count.get()));
        return counts;
    }

    private void countError(String status) {
        errors.incrementAndGet();
        errorsByStatus.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
    }

    /** Stops the clients and waits for their last write. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join();
        }
    }
}
