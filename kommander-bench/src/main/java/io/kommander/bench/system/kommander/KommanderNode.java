package io.kommander.bench.system.kommander;

import io.kommander.RaftConfiguration;
import io.kommander.RaftLog;
import io.kommander.RaftLogType;
import io.kommander.RaftManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.bench.node.BenchNode;
import io.kommander.bench.node.NodeSpec;
import io.kommander.bench.node.NodeStats;
import io.kommander.bench.node.WriteOutcome;
import io.kommander.bench.system.NodeLedger;
import io.kommander.discovery.StaticDiscovery;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One Kommander replica as a {@link BenchNode}: a {@link RaftManager} with the WAL and transport chosen by
 * {@link KommanderWiring}. A write is {@code replicateLogs} on this node; the statuses that mean "ask the leader"
 * become {@link WriteOutcome.NotLeader} with the leader's index when the result names it. Starting a node does not
 * wait for its peers; {@link #isLeader} is false until the node has joined. Thread-safe.
 */
public final class KommanderNode implements BenchNode {

    private static final String LOG_TYPE = "bench";
    private static final Set<RaftOperationStatus> RETRYABLE = EnumSet.of(RaftOperationStatus.NodeIsNotLeader,
            RaftOperationStatus.LeaderInOldTerm, RaftOperationStatus.NodeClosed,
            RaftOperationStatus.RestoreInProgress, RaftOperationStatus.LeadershipTransferInProgress,
            RaftOperationStatus.ProposalQueueFull);

    private final NodeSpec spec;
    /** The system property that gives each node of {@code run}, {@code compare} and {@code sweep} a registry. */
    public static final String METRICS_PROPERTY = "kommander.bench.metrics";
    /**
     * The system property that sets each node's {@code logCacheBytes} (docs/benchmarks.md: the large-entry tail); the
     * configuration's default without it.
     */
    public static final String LOG_CACHE_BYTES_PROPERTY = "kommander.bench.logCacheBytes";

    private final RaftManager manager;
    private final MeterRegistry registry;
    private final NodeLedger ledger;
    private final CompletableFuture<Void> joined;
    /** With the in-memory WAL, what lets it compact (see {@link HeapLogCompaction}); null otherwise. */
    private final HeapLogCompaction heapLogCompaction;

    /**
     * Starts node {@code spec.index()} (reopening its WAL if the folder has one), counting no leader changes; with
     * {@code -Dkommander.bench.metrics=true}, with meters in Micrometer's global registry (to measure what the
     * metrics cost, and to count events per write: docs/benchmarks.md).
     */
    public KommanderNode(NodeSpec spec) {
        this(spec, new LeaderChanges(), Boolean.getBoolean(METRICS_PROPERTY) ? benchRegistry() : null);
    }

    /**
     * Micrometer's global registry, given a simple registry to keep the meters: the nodes of a run share it (their
     * meters are tagged by node) and {@code WriteEvents} reads the events per write from it.
     */
    private static synchronized MeterRegistry benchRegistry() {
        if (Metrics.globalRegistry.getRegistries().isEmpty()) {
            Metrics.globalRegistry.add(new SimpleMeterRegistry());
        }
        return Metrics.globalRegistry;
    }

    /**
     * Starts node {@code spec.index()}, reporting the leaders it sees to {@code leaderChanges}.
     *
     * @param leaderChanges shared by the nodes of a cluster to count its leader changes (the demo prints them)
     * @param registry      where the node's meters go, or null for none
     */
    public KommanderNode(NodeSpec spec, LeaderChanges leaderChanges, MeterRegistry registry) {
        this.spec = spec;
        this.registry = registry;
        this.ledger = new NodeLedger(spec.partitions());
        List<String> peers = new ArrayList<>();
        for (int j = 0; j < spec.nodes(); j++) {
            if (j != spec.index()) {
                peers.add(spec.endpoint(j));
            }
        }
        KommanderWiring wiring = new KommanderWiring();
        this.manager = RaftManager.builder()
                .configuration(configuration(spec))
                .wal(wiring.openWal(spec.nodeDir()))
                .transport(wiring.transport(spec.port()))
                .discovery(StaticDiscovery.of(peers))
                .meterRegistry(registry)
                .build();
        manager.onLogRestored(this::deliver);
        manager.onReplicationReceived((p, log) -> {
            deliver(p, log);
            return true;
        });
        manager.onLeaderChanged(leaderChanges::observe);
        this.joined = manager.joinCluster();
        this.heapLogCompaction = KommanderWiring.logOnHeap()
                ? new HeapLogCompaction(manager, spec.partitions(), "bench-checkpoints-" + spec.index()) : null;
    }

    private static RaftConfiguration configuration(NodeSpec spec) {
        RaftConfiguration.Builder builder = RaftConfiguration.builder()
                .nodeId(spec.index() + 1)
                .host("127.0.0.1")
                .port(spec.port())
                .initialPartitions(spec.partitions());
        if (KommanderWiring.logOnHeap()) {
            builder.compactionIntervalMillis(HeapLogCompaction.INTERVAL_MILLIS);
        }
        Long logCacheBytes = Long.getLong(LOG_CACHE_BYTES_PROPERTY);
        if (logCacheBytes != null) {
            builder.logCacheBytes(logCacheBytes);
        }
        return builder.build();
    }

    private void deliver(int partition, RaftLog log) {
        if (log.kind() == RaftLogType.Committed && LOG_TYPE.equals(log.applicationType())) {
            ledger.deliver(partition - 1, log.data());
        }
    }

    @Override
    public CompletableFuture<WriteOutcome> write(int partition, byte[] payload) {
        return manager.replicateLogs(partition + 1, LOG_TYPE, payload).thenApply(this::outcome);
    }

    private WriteOutcome outcome(RaftReplicationResult result) {
        if (result.success()) {
            return WriteOutcome.ACKNOWLEDGED;
        }
        if (RETRYABLE.contains(result.status())) {
            return new WriteOutcome.NotLeader(spec.indexOfEndpoint(result.leader()), result.status().name());
        }
        return new WriteOutcome.Failed(result.status().name());
    }

    @Override
    public boolean isLeader(int partition) {
        return joined.isDone() && manager.amILeaderQuick(partition + 1);
    }

    @Override
    public NodeLedger ledger() {
        return ledger;
    }

    /**
     * {@inheritDoc} The CPU time is this JVM's (the node's own in the one-JVM-per-node mode); the counters read 0
     * unless the node was started with {@code -Dkommander.bench.metrics=true}.
     */
    @Override
    public NodeStats stats() {
        return KommanderStats.of(manager, registry, spec);
    }

    @Override
    public String configuration() {
        return "kommander: " + KommanderWiring.description() + "\n  " + configuration(spec)
                + "\n  durability: an entry is acknowledged once a quorum has written it through IWAL.write "
                + "(one sync per group commit)";
    }

    @Override
    public void close() {
        if (heapLogCompaction != null) {
            heapLogCompaction.close();
        }
        manager.close();
    }
}
