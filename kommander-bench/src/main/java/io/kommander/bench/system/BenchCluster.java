package io.kommander.bench.system;

import io.kommander.bench.node.BenchNode;
import io.kommander.bench.node.JvmMode;
import io.kommander.bench.node.NodeLauncher;
import io.kommander.bench.node.NodeSpec;
import io.kommander.bench.node.NodeStats;
import io.kommander.bench.node.WriteOutcome;
import io.kommander.bench.system.ratis.RatisTransport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The one routing home for every system: a cluster of {@link BenchNode}s (in this JVM or proxies of child
 * processes) seen as a {@link BenchSystem}. A write goes to the node believed to lead its partition; a
 * {@link WriteOutcome.NotLeader} answer moves the belief to the node it names (or, if it names none, to the node
 * that says it leads) and the write is retried, for up to {@link #RETRY_BUDGET}; so is a write the node failed
 * without answering (it was closed, its process died). A {@link WriteOutcome.Failed} answer fails the write at
 * once.
 *
 * <p>Thread-safe for writes, {@link #ledgers()} and {@link #stats()}; {@link #start}, {@link #stopNode},
 * {@link #restartNode} and {@link #close} are called from one thread.
 */
public final class BenchCluster implements BenchSystem {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration RETRY_BUDGET = Duration.ofSeconds(10);
    private static final long RETRY_PAUSE_MILLIS = 20;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final SystemKind kind;
    private final RatisTransport ratisTransport;
    private final JvmMode jvms;
    private final NodeLauncher launcher;
    /** Retries run here, never on the thread that completed the refused write (a node's I/O thread). */
    private final ScheduledExecutorService retries = Executors.newScheduledThreadPool(1, runnable -> {
        Thread thread = new Thread(runnable, "bench-retry");
        thread.setDaemon(true);
        return thread;
    });
    private final List<NodeSpec> specs = new ArrayList<>();
    private volatile BenchNode[] nodes = new BenchNode[0];
    private AtomicIntegerArray leaderHint = new AtomicIntegerArray(0);
    private final AtomicLong retriedAttempts = new AtomicLong();

    /**
     * A cluster, not started yet.
     *
     * @param kind           the system
     * @param ratisTransport the transport Ratis uses (ignored by the other systems)
     * @param jvms           where the nodes run, for the configuration line
     * @param launcher       starts each node
     */
    public BenchCluster(SystemKind kind, RatisTransport ratisTransport, JvmMode jvms, NodeLauncher launcher) {
        this.kind = kind;
        this.ratisTransport = ratisTransport;
        this.jvms = jvms;
        this.launcher = launcher;
    }

    @Override
    public String name() {
        return kind.reportName();
    }

    @Override
    public JvmMode jvms() {
        return jvms;
    }

    @Override
    public void start(ClusterShape shape) throws Exception {
        StartReservations.check(kind, shape, jvms);
        List<Integer> ports = Arrays.stream(FreePorts.take(shape.nodes())).boxed().toList();
        nodes = new BenchNode[shape.nodes()];
        leaderHint = new AtomicIntegerArray(shape.partitions());
        for (int i = 0; i < shape.nodes(); i++) {
            specs.add(new NodeSpec(kind, ratisTransport, ports, shape.partitions(), shape.dataDir(), i));
        }
        for (int i = 0; i < shape.nodes(); i++) {
            nodes[i] = launcher.launch(specs.get(i));
        }
        awaitLeaders();
    }

    /** Waits until every partition has a leader, and remembers it; fails after {@link #START_TIMEOUT}. */
    private void awaitLeaders() throws TimeoutException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        for (int p = 0; p < leaderHint.length(); p++) {
            while (leaderIndex(p) < 0) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException(name() + " partition " + p + " elected no leader in " + START_TIMEOUT);
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        }
    }

    @Override
    public CompletableFuture<Void> write(int partition, byte[] payload) {
        return attempt(partition, payload, leaderHint.get(partition), System.nanoTime() + RETRY_BUDGET.toNanos());
    }

    private CompletableFuture<Void> attempt(int partition, byte[] payload, int target, long deadline) {
        BenchNode node = nodes[target];
        CompletableFuture<WriteOutcome> outcome;
        if (node == null) {
            outcome = CompletableFuture.completedFuture(new WriteOutcome.NotLeader(-1, "node " + target + " stopped"));
        } else {
            try {
                outcome = node.write(partition, payload);
            } catch (RuntimeException e) {
                outcome = CompletableFuture.failedFuture(e);
            }
        }
        // A node that fails a write instead of answering (closed under it, its process died) is treated as one
        // that knows no leader: the write may or may not have been committed, so it is retried like a refused one.
        return outcome.exceptionally(error -> new WriteOutcome.NotLeader(-1, "node " + target + " failed: " + error))
                .thenCompose(result -> {
                    if (result instanceof WriteOutcome.NotLeader notLeader) {
                        return retry(partition, payload, target, notLeader, deadline);
                    }
                    if (result instanceof WriteOutcome.Failed failed) {
                        throw failure(partition, failed.reason());
                    }
                    return CompletableFuture.completedFuture(null);
                });
    }

    private CompletableFuture<Void> retry(int partition, byte[] payload, int refused, WriteOutcome.NotLeader answer,
                                          long deadline) {
        if (System.nanoTime() > deadline) {
            throw failure(partition, answer.reason() + " for " + RETRY_BUDGET);
        }
        // Straight to another node it names; after a pause when the node asks to wait or knows no leader.
        boolean named = answer.leaderHint() >= 0 && answer.leaderHint() != refused;
        CompletableFuture<Void> retried = new CompletableFuture<>();
        retriedAttempts.incrementAndGet();
        retries.schedule(() -> {
            try {
                int next = named || answer.leaderHint() == refused ? answer.leaderHint() : lookUp(partition, refused);
                leaderHint.set(partition, next);
                attempt(partition, payload, next, deadline).whenComplete((ok, error) -> {
                    if (error == null) {
                        retried.complete(null);
                    } else {
                        retried.completeExceptionally(error);
                    }
                });
            } catch (RuntimeException e) {
                retried.completeExceptionally(e);
            }
        }, named ? 0 : RETRY_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        return retried;
    }

    @Override
    public long retriedAttempts() {
        return retriedAttempts.get();
    }

    /** The node that says it leads the partition, or the one after {@code refused} if none does yet. */
    private int lookUp(int partition, int refused) {
        int leader = leaderIndex(partition);
        return leader >= 0 ? leader : (refused + 1) % nodes.length;
    }

    private CompletionException failure(int partition, String reason) {
        return new CompletionException(new IllegalStateException(name() + " write to partition " + partition
                + " failed: " + reason));
    }

    /**
     * The node (0-based) that leads partition {@code partition} (0-based), remembered as the hint, or -1. A node
     * that cannot answer (stopped, its process gone) does not lead.
     */
    public int leaderIndex(int partition) {
        BenchNode[] current = nodes;
        for (int i = 0; i < current.length; i++) {
            if (current[i] != null && leads(current[i], partition)) {
                leaderHint.set(partition, i);
                return i;
            }
        }
        return -1;
    }

    private static boolean leads(BenchNode node, int partition) {
        try {
            return node.isLeader(partition);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Stops node {@code i} abruptly; its data folder stays for {@link #restartNode}. */
    public void stopNode(int i) {
        BenchNode node = nodes[i];
        nodes[i] = null;
        node.close();
    }

    /**
     * Starts node {@code i} again from its data folder; it replays its log into a fresh ledger.
     *
     * @throws Exception if the node cannot start
     */
    public void restartNode(int i) throws Exception {
        nodes[i] = launcher.launch(specs.get(i));
    }

    @Override
    public List<NodeLedger> ledgers() {
        List<NodeLedger> ledgers = new ArrayList<>();
        for (BenchNode node : nodes) {
            ledgers.add(node == null ? new NodeLedger(leaderHint.length()) : node.ledger());
        }
        return ledgers;
    }

    /**
     * Every node's {@link NodeStats} now, in node order (the {@code capacity} run reads them at both ends of its
     * window, and waits on the placement they show).
     *
     * @throws IllegalStateException if a node is stopped
     * @throws UnsupportedOperationException if the system does not report stats
     */
    public List<NodeStats> stats() {
        List<NodeStats> stats = new ArrayList<>();
        BenchNode[] current = nodes;
        for (int i = 0; i < current.length; i++) {
            if (current[i] == null) {
                throw new IllegalStateException("node " + i + " is stopped");
            }
            stats.add(current[i].stats());
        }
        return stats;
    }

    @Override
    public String configuration() {
        BenchNode[] current = nodes;
        String node = current.length > 0 && current[0] != null ? current[0].configuration() : name() + ":";
        return node + "\n  jvms: " + jvms.description();
    }

    @Override
    public void close() {
        retries.shutdownNow();
        RuntimeException failure = null;
        BenchNode[] current = nodes;
        for (int i = 0; i < current.length; i++) {
            if (current[i] != null) {
                try {
                    current[i].close();
                } catch (RuntimeException e) {
                    failure = failure == null ? e : failure;
                }
                current[i] = null;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
