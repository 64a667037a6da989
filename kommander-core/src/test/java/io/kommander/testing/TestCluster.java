package io.kommander.testing;

import io.kommander.RaftConfiguration;
import io.kommander.RaftLog;
import io.kommander.RaftManager;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.RequestId;
import io.kommander.WriteOutcome;
import io.kommander.discovery.StaticDiscovery;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.transport.IRaftTransport;
import io.kommander.transport.InMemoryNetwork;
import io.kommander.wal.IWAL;
import io.kommander.wal.InMemoryWAL;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;

/**
 * An in-process cluster of real {@link RaftManager}s for tests: fast timings, pluggable WAL and transport
 * (in-memory by default), and a record of every delivery per node and partition. Published in the test-jar so the
 * RocksDB and Netty modules rerun the same scenarios.
 */
public final class TestCluster implements AutoCloseable {

    /** Creates one node's WAL; called again on restart with the previous (closed) WAL, or null the first time. */
    public interface WalFactory {
        IWAL open(int node, IWAL previous);

        /** In-memory WALs whose contents survive a restart ({@link InMemoryWAL#reopen()}). */
        static WalFactory inMemory() {
            return (node, previous) -> previous == null ? new InMemoryWAL() : ((InMemoryWAL) previous).reopen();
        }
    }

    /** Creates one node's transport. */
    public interface TransportFactory {
        IRaftTransport create(int node);
    }

    /** Default timeout of waits. */
    public static final Duration WAIT = Duration.ofSeconds(30);

    private final int size;
    /** Nodes 0..initialSize-1 form the cluster; the rest are spares that join it later ({@link #joinNode}). */
    private final int initialSize;
    private final int partitions;
    private final int[] ports;
    private final WalFactory walFactory;
    private final TransportFactory transportFactory;
    private final UnaryOperator<RaftConfiguration.Builder> tuning;
    private final IntFunction<IRaftRuntime> runtimeFactory;
    /** The application's snapshots of each node, or null; set once by the builder. */
    private IntFunction<PayloadStateMachine> transferFactory;
    private java.util.function.ObjIntConsumer<RaftManager.Builder> managerTuning = (builder, node) -> { };
    private final InMemoryNetwork network = new InMemoryNetwork(7);
    private final RaftManager[] nodes;
    private final IWAL[] wals;
    private final IRaftRuntime[] runtimes;
    /** deliveries.get(node).get(partition): entries delivered through onReplicationReceived, per node lifetime. */
    private final List<Map<Integer, List<RaftLog>>> deliveries = new ArrayList<>();
    private final List<Map<Integer, List<RaftLog>>> restored = new ArrayList<>();

    private TestCluster(int size, int spares, int partitions, int[] ports, WalFactory walFactory,
                        TransportFactory transportFactory, UnaryOperator<RaftConfiguration.Builder> tuning,
                        IntFunction<IRaftRuntime> runtimeFactory) {
        this.size = size;
        this.initialSize = size - spares;
        this.partitions = partitions;
        this.ports = ports;
        this.walFactory = walFactory;
        this.transportFactory = transportFactory != null ? transportFactory : n -> network.transport();
        this.tuning = tuning;
        this.runtimeFactory = runtimeFactory;
        this.nodes = new RaftManager[size];
        this.wals = new IWAL[size];
        this.runtimes = new IRaftRuntime[size];
        for (int i = 0; i < size; i++) {
            deliveries.add(new ConcurrentHashMap<>());
            restored.add(new ConcurrentHashMap<>());
        }
    }

    /** A cluster on the in-memory transport and in-memory WALs. */
    public static TestCluster inMemory(int size, int partitions) {
        return builder(size, partitions).build();
    }

    /** A builder for a cluster of {@code size} nodes and {@code partitions} user partitions. */
    public static Builder builder(int size, int partitions) {
        return new Builder(size, partitions);
    }

    /** Configures a {@link TestCluster}. */
    public static final class Builder {
        private final int size;
        private final int partitions;
        private int basePort = 9100;
        private int[] ports;
        private WalFactory walFactory = WalFactory.inMemory();
        private TransportFactory transportFactory;
        private UnaryOperator<RaftConfiguration.Builder> tuning = UnaryOperator.identity();
        private IntFunction<IRaftRuntime> runtimeFactory;
        private IntFunction<PayloadStateMachine> transferFactory;
        private java.util.function.ObjIntConsumer<RaftManager.Builder> managerTuning = (builder, node) -> { };
        private int spares;

        private Builder(int size, int partitions) {
            this.size = size;
            this.partitions = partitions;
        }

        /** The first node's port; node i uses basePort + i. */
        public Builder basePort(int port) {
            this.basePort = port;
            return this;
        }

        /** Explicit ports, one per node (for real transports: pick free ones). */
        public Builder ports(int... ports) {
            if (ports.length != size) {
                throw new IllegalArgumentException("need " + size + " ports");
            }
            this.ports = ports.clone();
            return this;
        }

        /**
         * Of the {@code size} nodes, the last {@code spares} are not started by {@link TestCluster#start()}: they
         * join the running cluster ({@code joinExisting}, the others as seeds) through {@link TestCluster#joinNode}.
         */
        public Builder spares(int spares) {
            if (spares < 0 || spares >= size) {
                throw new IllegalArgumentException("spares must be in 0.." + (size - 1));
            }
            this.spares = spares;
            return this;
        }

        /** How each node's WAL is opened (and reopened on restart). */
        public Builder wal(WalFactory factory) {
            this.walFactory = factory;
            return this;
        }

        /** How each node's transport is created (default: the cluster's in-memory network). */
        public Builder transport(TransportFactory factory) {
            this.transportFactory = factory;
            return this;
        }

        /** Extra configuration applied to every node, after what earlier calls gave. */
        public Builder tuning(UnaryOperator<RaftConfiguration.Builder> tuning) {
            UnaryOperator<RaftConfiguration.Builder> earlier = this.tuning;
            this.tuning = b -> tuning.apply(earlier.apply(b));
            return this;
        }

        /**
         * Creates each node's runtime, at every start (default: the manager's own). The cluster closes a node's
         * runtime when it stops the node.
         */
        public Builder runtime(IntFunction<IRaftRuntime> factory) {
            this.runtimeFactory = factory;
            return this;
        }

        /**
         * Gives each node, at every start, an application with snapshots (default: none, the checkpoint model),
         * attached to the node before it joins; the factory gets the node's index.
         */
        public Builder snapshots(IntFunction<PayloadStateMachine> factory) {
            this.transferFactory = factory;
            return this;
        }

        /**
         * Extra settings of each node's {@link RaftManager.Builder} (a meter registry, ...), applied at every start;
         * the function gets the node's index.
         */
        public Builder managers(java.util.function.ObjIntConsumer<RaftManager.Builder> tuning) {
            this.managerTuning = tuning;
            return this;
        }

        /** Builds the cluster (not started). */
        public TestCluster build() {
            int[] chosen = ports != null ? ports : java.util.stream.IntStream.range(0, size).map(i -> basePort + i)
                    .toArray();
            TestCluster cluster = new TestCluster(size, spares, partitions, chosen, walFactory, transportFactory, tuning,
                    runtimeFactory);
            cluster.transferFactory = transferFactory;
            cluster.managerTuning = managerTuning;
            return cluster;
        }
    }

    /** The in-memory network (for fault injection). */
    public InMemoryNetwork network() {
        return network;
    }

    /** Node i's endpoint. */
    public String endpoint(int node) {
        return "127.0.0.1:" + ports[node];
    }

    /** Node i (may be null while stopped). */
    public RaftManager node(int node) {
        return nodes[node];
    }

    /** The number of nodes. */
    public int size() {
        return size;
    }

    /** Starts every node (spares aside) and waits until each has joined. */
    public TestCluster start() {
        for (int i = 0; i < initialSize; i++) {
            startNode(i);
        }
        for (int i = 0; i < initialSize; i++) {
            nodes[i].joinCluster().orTimeout(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
        }
        return this;
    }

    /** Creates and starts node i (without waiting for it to join). */
    public RaftManager startNode(int node) {
        return startNode(node, manager -> {
        });
    }

    /**
     * Starts node i as {@link #startNode(int)} does, calling {@code beforeJoin} with it before it joins, so that
     * listeners registered there see everything from its restore on.
     */
    public RaftManager startNode(int node, java.util.function.Consumer<RaftManager> beforeJoin) {
        List<String> peers = new ArrayList<>();
        for (int j = 0; j < initialSize; j++) {
            if (j != node) {
                peers.add(endpoint(j));
            }
        }
        RaftConfiguration.Builder config = RaftConfiguration.builder()
                .nodeId(node + 1)
                .port(ports[node])
                .initialPartitions(partitions)
                .heartbeatIntervalMillis(25)
                .electionTimeoutMillis(150, 300)
                .electionSeed(1000 + node)
                .executorPoolSize(2)
                .walReadWorkers(1)
                .walWriteWorkers(1)
                .proposalTimeoutMillis(5_000)
                // Every node hosts every partition unless a test tunes it lower (replica placement needs more voters
                // than R): the scenarios here are about everything else.
                .replicationFactor(size)
                .joinExisting(node >= initialSize);
        wals[node] = walFactory.open(node, wals[node]);
        RaftManager.Builder builder = RaftManager.builder()
                .configuration(tuning.apply(config).build())
                .wal(wals[node])
                .transport(transportFactory.create(node))
                .discovery(StaticDiscovery.of(peers));
        if (runtimeFactory != null) {
            runtimes[node] = runtimeFactory.apply(node);
            builder.runtime(runtimes[node]);
        }
        PayloadStateMachine application = transferFactory == null ? null : transferFactory.apply(node);
        if (application != null) {
            builder.stateMachineTransfer(application);
        }
        managerTuning.accept(builder, node);
        RaftManager manager = builder.build();
        Map<Integer, List<RaftLog>> delivered = deliveries.get(node);
        Map<Integer, List<RaftLog>> replayed = restored.get(node);
        delivered.clear();
        replayed.clear();
        manager.onReplicationReceived((p, log) -> {
            delivered.computeIfAbsent(p, k -> new CopyOnWriteArrayList<>()).add(log);
            return true;
        });
        manager.onLogRestored((p, log) -> replayed.computeIfAbsent(p, k -> new CopyOnWriteArrayList<>()).add(log));
        if (application != null) {
            application.attach(manager);
        }
        nodes[node] = manager;
        beforeJoin.accept(manager);
        manager.joinCluster();
        return manager;
    }

    /**
     * Starts spare node i, which joins the running cluster as a learner and then a voter.
     *
     * @return its {@code joinCluster()} future: completes once the roster names it a voter
     */
    public java.util.concurrent.CompletableFuture<Void> joinNode(int node) {
        if (node < initialSize) {
            throw new IllegalArgumentException("node " + node + " is not a spare");
        }
        return startNode(node).joinCluster();
    }

    /** Stops node i (its WAL survives for a restart). */
    public void stopNode(int node) {
        RaftManager manager = nodes[node];
        nodes[node] = null;
        if (manager != null) {
            manager.close();
        }
        if (runtimes[node] != null) {
            runtimes[node].close();
            runtimes[node] = null;
        }
    }

    /** Stops then restarts node i from its WAL and waits until it has joined. */
    public RaftManager restartNode(int node) {
        stopNode(node);
        RaftManager manager = startNode(node);
        manager.joinCluster().orTimeout(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
        return manager;
    }

    /** Entries node i delivered for a partition in this lifetime. */
    public List<RaftLog> delivered(int node, int partition) {
        return List.copyOf(deliveries.get(node).getOrDefault(partition, List.of()));
    }

    /** Entries node i replayed through onLogRestored for a partition in this lifetime. */
    public List<RaftLog> restored(int node, int partition) {
        return List.copyOf(restored.get(node).getOrDefault(partition, List.of()));
    }

    /** Restored then delivered entries of node i: the whole committed history it has seen. */
    public List<RaftLog> history(int node, int partition) {
        List<RaftLog> all = new ArrayList<>(restored(node, partition));
        all.addAll(delivered(node, partition));
        return all;
    }

    /** Waits until some running node leads the partition and returns its index. */
    public int awaitLeader(int partition) {
        int[] found = {-1};
        await().atMost(WAIT).until(() -> {
            found[0] = leaderOf(partition);
            return found[0] >= 0;
        });
        return found[0];
    }

    /**
     * Waits until the partition is led by its preferred leader (the first of its map's leader preference, as a running
     * node applied the map) and returns that node: the leader a scenario may count on, since the partition's replicas
     * hand leadership to it whenever it is up and caught up.
     */
    public int awaitPreferredLeader(int partition) {
        int[] found = {-1};
        await().atMost(WAIT).until(() -> {
            int leader = leaderOf(partition);
            found[0] = leader;
            return leader >= 0 && nodes[leader].getPartitionMap().partition(partition)
                    .map(p -> !p.leaderPreference().isEmpty() && p.leaderPreference().get(0).equals(endpoint(leader)))
                    .orElse(false);
        });
        return found[0];
    }

    /** The running node that believes it leads the partition with a ready barrier, or -1. */
    public int leaderOf(int partition) {
        for (int i = 0; i < size; i++) {
            if (nodes[i] != null && nodes[i].amILeaderQuick(partition)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Writes a payload through the current leader until it is committed exactly once. A refusal that proves the
     * entry was not appended ({@link WriteOutcome#NOT_APPENDED}) is retried. An ambiguous failure
     * ({@link WriteOutcome#UNKNOWN}) is resolved the way a careful client would: wait for a leader that has confirmed
     * its leadership (so everything it will ever commit from older terms is applied), then retry only if the
     * payload is not in its history. Payloads must be unique.
     *
     * @return the successful result, or the result of the ambiguous write that turned out to be committed
     */
    public RaftReplicationResult write(int partition, String payload) {
        RaftReplicationResult[] result = new RaftReplicationResult[1];
        await().atMost(WAIT).until(() -> {
            int leader = leaderOf(partition);
            if (leader < 0) {
                return false;
            }
            result[0] = nodes[leader].replicateLogs(partition, "test", payload.getBytes(StandardCharsets.UTF_8))
                    .get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            return result[0].success() || (result[0].outcome() == WriteOutcome.UNKNOWN
                    && committedAfterAll(partition, payload));
        });
        return result[0];
    }

    /**
     * Writes a payload with a client request id through the current leader, retrying every failure that leaves the
     * outcome open (not leader, restoring, time-out, leadership lost...) with the same id: the sessions make the
     * retries safe. Returns the first definite result: a success, or SessionExpired or DuplicateTooOld.
     */
    public RaftReplicationResult write(int partition, String payload, RequestId requestId) {
        RaftReplicationResult[] result = new RaftReplicationResult[1];
        await().atMost(WAIT).until(() -> {
            int leader = leaderOf(partition);
            if (leader < 0) {
                return false;
            }
            result[0] = nodes[leader].replicateLogs(partition, "test", payload.getBytes(StandardCharsets.UTF_8),
                    requestId).get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            return result[0].success() || result[0].status() == RaftOperationStatus.SessionExpired
                    || result[0].status() == RaftOperationStatus.DuplicateTooOld;
        });
        return result[0];
    }

    private boolean committedAfterAll(int partition, String payload) {
        int[] confirmed = {-1};
        await().atMost(WAIT).until(() -> {
            int leader = leaderOf(partition);
            if (leader >= 0 && nodes[leader].confirmLeadership(partition)
                    .get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
                confirmed[0] = leader;
                return true;
            }
            return false;
        });
        return history(confirmed[0], partition).stream().anyMatch(log -> text(log).equals(payload));
    }

    /** Partition ids 1..partitions. */
    public int partitions() {
        return partitions;
    }

    /** Reads a delivered payload as text. */
    public static String text(RaftLog log) {
        return new String(log.data(), StandardCharsets.UTF_8);
    }

    /** Node indices in 0..size-1 other than the given ones. */
    public List<Integer> others(int... excluded) {
        List<Integer> result = new ArrayList<>();
        outer:
        for (int i = 0; i < size; i++) {
            for (int e : excluded) {
                if (e == i) {
                    continue outer;
                }
            }
            result.add(i);
        }
        return result;
    }

    @Override
    public void close() {
        for (int i = 0; i < size; i++) {
            stopNode(i);
        }
        network.close();
    }
}
