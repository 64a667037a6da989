package io.kommander.bench.system.kommander;

import io.kommander.RaftConfiguration;
import io.kommander.RaftLog;
import io.kommander.RaftLogType;
import io.kommander.RaftManager;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.bench.system.BenchSystem;
import io.kommander.bench.system.ClusterShape;
import io.kommander.bench.system.FreePorts;
import io.kommander.bench.system.NodeLedger;
import io.kommander.discovery.StaticDiscovery;
import io.kommander.wal.IWAL;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Kommander as a {@link BenchSystem}: N {@link RaftManager}s in this process, the WAL and transport chosen by
 * {@link KommanderWiring}. Writes go to the node that leads the partition; a write refused because leadership
 * moved is retried on the new leader for up to {@link #RETRY_BUDGET}.
 *
 * <p>Thread-safe for writes; {@link #start}, {@link #stopNode}, {@link #restartNode} and {@link #close} are called
 * from one thread.
 */
public final class KommanderSystem implements BenchSystem {

    private static final String LOG_TYPE = "bench";
    private static final Duration RETRY_BUDGET = Duration.ofSeconds(10);
    private static final long RETRY_PAUSE_MILLIS = 20;
    private static final Set<RaftOperationStatus> RETRYABLE = EnumSet.of(RaftOperationStatus.NodeIsNotLeader,
            RaftOperationStatus.LeaderInOldTerm, RaftOperationStatus.NodeClosed,
            RaftOperationStatus.RestoreInProgress, RaftOperationStatus.LeadershipTransferInProgress,
            RaftOperationStatus.ProposalQueueFull);
    private static final Executor RETRY_DELAY = CompletableFuture.delayedExecutor(RETRY_PAUSE_MILLIS,
            TimeUnit.MILLISECONDS);

    private final KommanderWiring wiring = new KommanderWiring();
    private final AtomicLong leaderChanges = new AtomicLong();
    private ClusterShape shape;
    private volatile RaftManager[] nodes;
    private IWAL[] wals;
    private int[] ports;
    private List<NodeLedger> ledgers;
    private AtomicIntegerArray leaderHint;
    private AtomicReferenceArray<String> knownLeaders;

    @Override
    public String name() {
        return "kommander";
    }

    @Override
    public void start(ClusterShape shape) {
        this.shape = shape;
        this.nodes = new RaftManager[shape.nodes()];
        this.wals = new IWAL[shape.nodes()];
        this.ports = FreePorts.take(shape.nodes());
        this.ledgers = new ArrayList<>();
        this.leaderHint = new AtomicIntegerArray(shape.partitions());
        this.knownLeaders = new AtomicReferenceArray<>(shape.partitions());
        for (int i = 0; i < shape.nodes(); i++) {
            ledgers.add(new NodeLedger(shape.partitions()));
        }
        for (int i = 0; i < shape.nodes(); i++) {
            startNode(i);
        }
        for (RaftManager node : nodes) {
            node.joinCluster().orTimeout(60, TimeUnit.SECONDS).join();
        }
        awaitLeaders();
    }

    /** Waits until every partition has a leader that every node knows. */
    public void awaitLeaders() {
        for (int p = 0; p < shape.partitions(); p++) {
            for (RaftManager node : nodes) {
                if (node != null) {
                    node.waitForLeader(p + 1, Duration.ofSeconds(60)).join();
                }
            }
        }
    }

    private void startNode(int i) {
        List<String> peers = new ArrayList<>();
        for (int j = 0; j < shape.nodes(); j++) {
            if (j != i) {
                peers.add(endpoint(j));
            }
        }
        wals[i] = wiring.openWal(shape.nodeDir(i), wals[i]);
        RaftManager node = RaftManager.builder()
                .configuration(configuration(i))
                .wal(wals[i])
                .transport(wiring.transport(ports[i]))
                .discovery(StaticDiscovery.of(peers))
                .build();
        NodeLedger ledger = ledgers.get(i);
        ledger.reset();
        node.onLogRestored((p, log) -> deliver(ledger, p, log));
        node.onReplicationReceived((p, log) -> {
            deliver(ledger, p, log);
            return true;
        });
        node.onLeaderChanged(this::onLeaderChanged);
        nodes[i] = node;
        node.joinCluster();
    }

    private static void deliver(NodeLedger ledger, int partition, RaftLog log) {
        if (log.type() == RaftLogType.Committed && LOG_TYPE.equals(log.logType())) {
            ledger.deliver(partition - 1, log.data());
        }
    }

    private void onLeaderChanged(int partition, String leader) {
        if (leader != null && !leader.equals(knownLeaders.getAndSet(partition - 1, leader))) {
            leaderChanges.incrementAndGet();
        }
    }

    private RaftConfiguration configuration(int i) {
        return RaftConfiguration.builder()
                .nodeId(i + 1)
                .host("127.0.0.1")
                .port(ports[i])
                .initialPartitions(shape.partitions())
                .build();
    }

    private String endpoint(int i) {
        return "127.0.0.1:" + ports[i];
    }

    @Override
    public CompletableFuture<Void> write(int partition, byte[] payload) {
        return attempt(partition, payload, System.nanoTime() + RETRY_BUDGET.toNanos());
    }

    private CompletableFuture<Void> attempt(int partition, byte[] payload, long deadline) {
        int leader = leaderOf(partition);
        RaftManager node = nodes[leader];
        CompletableFuture<RaftReplicationResult> result = node == null
                ? CompletableFuture.completedFuture(RaftReplicationResult.failure(RaftOperationStatus.NodeClosed, null))
                : node.replicateLogs(partition + 1, LOG_TYPE, payload);
        return result.thenCompose(r -> {
            if (r.success()) {
                return CompletableFuture.completedFuture(null);
            }
            if (!RETRYABLE.contains(r.status()) || System.nanoTime() > deadline) {
                throw new CompletionException(new IllegalStateException("write to partition " + partition
                        + " failed: " + r.status()));
            }
            leaderHint.set(partition, indexOf(r.leader(), leader + 1));
            return CompletableFuture.supplyAsync(() -> null, RETRY_DELAY)
                    .thenCompose(ignored -> attempt(partition, payload, deadline));
        });
    }

    private int leaderOf(int partition) {
        int hint = leaderHint.get(partition);
        RaftManager[] current = nodes;
        if (current[hint] != null && current[hint].amILeaderQuick(partition + 1)) {
            return hint;
        }
        for (int i = 0; i < current.length; i++) {
            if (current[i] != null && current[i].amILeaderQuick(partition + 1)) {
                leaderHint.set(partition, i);
                return i;
            }
        }
        return hint;
    }

    private int indexOf(String endpoint, int fallback) {
        for (int i = 0; i < ports.length; i++) {
            if (endpoint(i).equals(endpoint)) {
                return i;
            }
        }
        return fallback % ports.length;
    }

    /** The node (0-based) that leads partition {@code partition} (0-based), or -1 if none is known. */
    public int leaderIndex(int partition) {
        RaftManager[] current = nodes;
        for (int i = 0; i < current.length; i++) {
            if (current[i] != null && current[i].amILeaderQuick(partition + 1)) {
                return i;
            }
        }
        return -1;
    }

    /** Leader changes since the start (the first election of each partition included), over all partitions. */
    public long leaderChanges() {
        return leaderChanges.get();
    }

    /** Stops node {@code i} abruptly (its WAL survives for {@link #restartNode}). */
    public void stopNode(int i) {
        RaftManager node = nodes[i];
        nodes[i] = null;
        node.close();
    }

    /** Restarts node {@code i} from its WAL; completes when it has rejoined. */
    public CompletableFuture<Void> restartNode(int i) {
        startNode(i);
        return nodes[i].joinCluster();
    }

    @Override
    public List<NodeLedger> ledgers() {
        return ledgers;
    }

    @Override
    public String configuration() {
        return "kommander: " + KommanderWiring.DESCRIPTION + "\n  " + configuration(0)
                + "\n  durability: an entry is acknowledged once a quorum has written it through IWAL.write "
                + "(one sync per group commit)";
    }

    @Override
    public void close() {
        RaftManager[] current = nodes;
        if (current != null) {
            for (int i = 0; i < current.length; i++) {
                if (current[i] != null) {
                    current[i].close();
                    current[i] = null;
                }
            }
        }
        wiring.close();
    }
}
