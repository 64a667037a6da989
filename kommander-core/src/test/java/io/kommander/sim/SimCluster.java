package io.kommander.sim;

import io.kommander.IRaft;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;
import io.kommander.RaftConfiguration;
import io.kommander.RaftLog;
import io.kommander.RaftReplicationResult;
import io.kommander.internal.partition.PartitionSeams;
import io.kommander.internal.partition.RaftPartitionStateMachine;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;

import io.kommander.internal.node.NodeSeams;
import io.kommander.internal.partition.QuiescedPartitions;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.node.RaftNode;
import io.kommander.internal.partition.ReplicaView;
import io.kommander.testing.TestCluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * A scenario fixture on the deterministic simulator: N real nodes × P partitions on one thread with virtual time,
 * built from a seed, that a test drives step by step — write through the public {@link IRaft} API, crash and
 * restart nodes, cut and heal links, then run virtual time until a condition holds and read what each node
 * delivered. The same seed gives the same run.
 *
 * <p>Time moves only inside {@link #runUntil}, {@link #runFor} and the helpers built on them; between those calls
 * nothing happens, so a test can inspect and act without races. Every step of virtual time is also watched by the
 * simulator's {@link SafetyMonitor}: a safety violation (two leaders in a term, different entries delivered at one
 * index, a re-delivery, an entry delivered before it is durable, ...) fails the test at once, with the last events.
 *
 * <p>Nodes are indices {@code 0..size-1}; partitions are {@code 1..partitions}. Not thread-safe: one test, one
 * thread (futures returned by the nodes complete on that thread too, inside {@code runUntil}).
 */
public final class SimCluster {

    /** Default bound of waits, in virtual time. */
    public static final Duration WAIT = Duration.ofSeconds(30);

    /**
     * The seed of clusters built without {@link SimClusterBuilder#seed}: {@code -Dkommander.scenario.seed=N} (default 1) reruns
     * every scenario on other latencies and election timeouts.
     */
    public static final long DEFAULT_SEED = Long.getLong("kommander.scenario.seed", 1);

    private static final int LAST_EVENTS = 60;

    private final long seed;
    private final int partitions;
    /** Nodes 0..initialSize-1 form the cluster; the rest are spares that join it later ({@link #join}). */
    private final int initialSize;
    /** Whether every node's roster rules carry the planted bug "several membership changes at once". */
    private final boolean mergedRosterChanges;
    private final SimScheduler scheduler;
    private final SimTrace trace;
    private final SafetyMonitor monitor;
    private final SimNetwork network;
    private final List<SimNode> nodes = new ArrayList<>();
    private final AppliedRecords applied;
    private final SimWriter writer = new SimWriter(this);

    SimCluster(SimClusterBuilder builder) {
        this.seed = builder.seed;
        this.partitions = builder.partitions;
        this.scheduler = new SimScheduler(new SplittableRandom(seed));
        this.trace = new SimTrace(scheduler);
        this.monitor = new SafetyMonitor(trace);
        List<String> endpoints = IntStream.range(0, builder.size).mapToObj(i -> "sim" + i + ":" + (7000 + i))
                .toList();
        this.network = new SimNetwork(scheduler, trace, monitor, endpoints);
        this.applied = new AppliedRecords(builder.size);
        RosterMonitor rosters = new RosterMonitor(nodes, monitor, builder.partitions,
                builder.tuning.apply(RaftConfiguration.builder()).build().promotionLagEntries());
        scheduler.afterEachEvent(rosters::check);
        // Spares are built (endpoints, disks) but not started: they join the running cluster later.
        this.initialSize = builder.size - builder.spares;
        this.mergedRosterChanges = builder.mergedRosterChanges;
        List<String> initial = endpoints.subList(0, initialSize);
        for (int i = 0; i < builder.size; i++) {
            // Every node hosts every partition unless a test tunes it lower (ReplicaPlacementClusterTest).
            RaftConfiguration.Builder configuration = builder.tuning.apply(configuration(i, builder.partitions)
                            .replicationFactor(builder.size))
                    .joinExisting(i >= initialSize);
            SimNode node = new SimNode(i, endpoints, configuration, scheduler, network, trace, monitor, builder.bugs, 0,
                    1.0, seed * 1_000_003L + i, TestCluster.WalFactory.inMemory(), builder.snapshots ? p -> true : null);
            if (builder.spares > 0) {
                node.discovery(initial);
            }
            nodes.add(node);
        }
    }

    /** A builder for a cluster of {@code size} nodes and {@code partitions} user partitions. */
    public static SimClusterBuilder builder(int size, int partitions) {
        return new SimClusterBuilder(size, partitions);
    }

    private static RaftConfiguration.Builder configuration(int node, int partitions) {
        return RaftConfiguration.builder()
                .nodeId(node + 1)
                .host("sim" + node)
                .port(7000 + node)
                .initialPartitions(partitions)
                .heartbeatIntervalMillis(25)
                .electionTimeoutMillis(150, 300)
                .proposalTimeoutMillis(5_000)
                .executorPoolSize(1)
                .walReadWorkers(1)
                .walWriteWorkers(1);
    }

    // ---------------------------------------------------------------- the cluster

    /** The number of nodes. */
    public int size() {
        return nodes.size();
    }

    /** Partition ids 1..partitions. */
    public int partitions() {
        return partitions;
    }

    /** The run's seed. */
    public long seed() {
        return seed;
    }

    /** Node i's current incarnation, or null while it is down. */
    public IRaft node(int node) {
        return nodes.get(node).manager();
    }

    /** Node i's endpoint, as peers and leader hints name it. */
    public String endpoint(int node) {
        return nodes.get(node).endpoint();
    }

    /** Node indices other than the given ones, in order. */
    public List<Integer> others(int... excluded) {
        return IntStream.range(0, size()).filter(i -> IntStream.of(excluded).noneMatch(e -> e == i)).boxed()
                .toList();
    }

    /** Virtual milliseconds since the run started. */
    public long now() {
        return scheduler.now();
    }

    /** A digest of every event so far: equal for two runs of one seed and one scenario. */
    public long digest() {
        return trace.digest() ^ scheduler.executed();
    }

    // ---------------------------------------------------------------- virtual time

    /**
     * Runs virtual time until {@code condition} holds (checked after every event).
     *
     * @param what    the condition in words, for the failure message
     * @param timeout the bound, in virtual time
     * @throws AssertionError if the bound passes first, or the safety monitor sees a violation
     */
    public void runUntil(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = scheduler.now() + timeout.toMillis();
        boolean held = scheduler.runUntil(() -> monitor.failed() || condition.getAsBoolean(), deadline);
        assertSafe();
        if (!held) {
            throw failure("virtual time ran out: " + what + " did not hold within " + timeout.toMillis() + " ms");
        }
    }

    /** {@link #runUntil(String, BooleanSupplier, Duration)} with the default bound, {@link #WAIT}. */
    public void runUntil(String what, BooleanSupplier condition) {
        runUntil(what, condition, WAIT);
    }

    /** Runs virtual time for {@code duration}; fails on a safety violation. */
    public void runFor(Duration duration) {
        scheduler.runUntil(() -> monitor.failed(), scheduler.now() + duration.toMillis());
        assertSafe();
    }

    /** Runs virtual time until the future completes (at most {@link #WAIT}) and returns its value. */
    public <T> T await(CompletableFuture<T> future) {
        runUntil("the future completed", future::isDone);
        return future.join();
    }

    /** Runs virtual time until every future completes (at most {@link #WAIT}); returns their values in order. */
    public <T> List<T> awaitAll(List<CompletableFuture<T>> futures) {
        runUntil("all " + futures.size() + " futures completed", () -> futures.stream()
                .allMatch(CompletableFuture::isDone));
        return futures.stream().map(CompletableFuture::join).toList();
    }

    private void assertSafe() {
        if (monitor.failed()) {
            throw failure("safety violation: " + monitor.violation());
        }
    }

    AssertionError failure(String what) {
        return new AssertionError(what + " (seed " + seed + ", virtual time " + scheduler.now()
                + " ms)\n  last events:\n    " + String.join("\n    ", trace.last(LAST_EVENTS)));
    }

    // ---------------------------------------------------------------- leaders and writes

    /** The live node that believes it leads the partition with a ready barrier, or -1 (the lowest if several). */
    public int leaderOf(int partition) {
        for (SimNode node : nodes) {
            IRaft raft = node.manager();
            if (raft != null && raft.amILeaderQuick(partition)) {
                return node.index();
            }
        }
        return -1;
    }

    /** Runs virtual time until some live node leads the system partition (partition 0), and returns it. */
    public int awaitSystemLeader() {
        java.util.function.IntPredicate leads = n -> {
            var system = nodes.get(n).partition(0);
            return system != null && system.isLeaderQuick();
        };
        runUntil("partition 0 has a leader", () -> IntStream.range(0, nodes.size()).anyMatch(leads));
        return IntStream.range(0, nodes.size()).filter(leads).findFirst().orElseThrow();
    }

    /**
     * Runs virtual time until every live node's map gives every ACTIVE partition a leader preference: partition 0's
     * leader places them soon after start (also when every member hosts every partition), each a map change, so a
     * scenario that compares maps or versions waits for them first.
     */
    public PartitionMap awaitLeaderPreferences() {
        runUntil("every ACTIVE partition has a leader preference on every live node", () -> nodes.stream()
                .map(SimNode::manager).filter(Objects::nonNull).allMatch(raft -> {
                    PartitionMap map = raft.getPartitionMap();
                    return map != null && map.partitions().stream()
                            .filter(p -> p.state() == PartitionState.ACTIVE)
                            .noneMatch(p -> p.leaderPreference().isEmpty());
                }));
        return nodes.stream().map(SimNode::manager).filter(Objects::nonNull).findFirst().orElseThrow()
                .getPartitionMap();
    }

    /**
     * Runs virtual time until the partition is led by its preferred leader (once preferences are placed, see
     * {@link #awaitLeaderPreferences}), and returns it: the leader a scenario may count on, since its replicas hand
     * leadership to that one whenever it is up and caught up.
     */
    public int awaitPreferredLeader(int partition) {
        String preferred = awaitLeaderPreferences().partition(partition).orElseThrow().leaderPreference().get(0);
        int node = IntStream.range(0, nodes.size()).filter(n -> endpoint(n).equals(preferred)).findFirst()
                .orElseThrow();
        runUntil("partition " + partition + " is led by its preferred leader " + preferred,
                () -> leaderOf(partition) == node);
        return node;
    }

    /** Runs virtual time until some live node leads the partition, and returns it. */
    public int awaitLeader(int partition) {
        runUntil("partition " + partition + " has a leader", () -> leaderOf(partition) >= 0);
        return leaderOf(partition);
    }

    /**
     * Writes a payload through the current leader until it is committed exactly once, as a careful client would
     * (see {@link SimWriter#write}). Payloads must be unique.
     */
    public RaftReplicationResult write(int partition, String payload) {
        return writer.write(partition, payload);
    }

    /** Writes {@code prefix0..prefix(count-1)}, one after the other, each committed before the next; returns them. */
    public List<String> writeSequentially(int partition, String prefix, int count) {
        return writer.writeSequentially(partition, prefix, count);
    }

    /**
     * Sends {@code prefix0..prefix(count-1)} to the partition's leader at one instant and requires every one to
     * succeed (see {@link SimWriter#writeBurst}); returns the payloads in the log order their results named.
     */
    public List<String> writeBurst(int partition, String prefix, int count) {
        return writer.writeBurst(partition, prefix, count);
    }

    // ---------------------------------------------------------------- faults

    /**
     * Node i loses power: its pending work is dropped, its node is abandoned without {@code close()}, and its disk
     * keeps only what was synced (each unsynced compaction is kept or lost at random). No-op if already down.
     */
    public void crash(int node) {
        nodes.get(node).crash(partitions);
    }

    /**
     * Node i loses power right after its disk synced: as {@link #crash}, but every compaction done so far
     * survives. Work that never reached the disk is still lost, as in any crash (none of it was acknowledged).
     */
    public void crashAfterSync(int node) {
        nodes.get(node).disk().sync();
        crash(node);
    }

    /**
     * Node i crashes and its disk is wiped, as when its data folder is deleted: once restarted it is a new
     * incarnation without data (and its application, too, starts from nothing).
     */
    public void wipe(int node) {
        nodes.get(node).wipe(partitions);
    }

    /** Starts a new incarnation of a crashed node on its disk and runs virtual time until it has joined. */
    public void restart(int node) {
        launchAgain(node);
        awaitJoined(node);
    }

    /**
     * Starts a new incarnation of a crashed node on its disk without waiting for it to join (which needs a leader of
     * the system partition); {@link #joined} tells when it has.
     */
    public void launchAgain(int node) {
        if (nodes.get(node).manager() != null) {
            throw new IllegalStateException("node " + node + " is up: crash it first");
        }
        launch(node);
    }

    /** Whether node i is up and has joined the cluster. */
    public boolean joined(int node) {
        IRaft raft = node(node);
        return raft != null && raft.joinCluster().isDone();
    }

    /** Runs a read-only query against node i's replica of a partition (0: the system partition) and returns it. */
    public <T> T inspect(int node, int partition, Function<RaftPartitionStateMachine, T> query) {
        return await(PartitionSeams.inspect(nodes.get(node).partition(partition), query));
    }

    /**
     * Starts spare node i, which joins the running cluster (as a learner, then a voter); returns its
     * {@code joinCluster()} future, which completes once the roster names it a voter. Time does not move here.
     */
    public CompletableFuture<Void> join(int node) {
        if (node < initialSize || nodes.get(node).manager() != null) {
            throw new IllegalStateException("node " + node + " is not a spare that is down");
        }
        launch(node);
        return node(node).joinCluster();
    }

    /**
     * Down node i comes back as a fresh machine that joins the running cluster: its disk wiped, configured with
     * {@code joinExisting} and the nodes that are up as its seeds (as a removed member whose folder was deleted comes
     * back); returns its {@code joinCluster()} future. Time does not move here.
     */
    public CompletableFuture<Void> joinFresh(int node) {
        if (nodes.get(node).manager() != null) {
            throw new IllegalStateException("node " + node + " is up: crash it first");
        }
        List<String> seeds = IntStream.range(0, nodes.size()).filter(n -> n != node && node(n) != null)
                .mapToObj(this::endpoint).toList();
        nodes.get(node).makeFresh(partitions, seeds);
        launch(node);
        return node(node).joinCluster();
    }

    /** Node i's partitions' quiescence (which sleep, how often they quiesced and woke), or null while it is down. */
    public QuiescedPartitions quiescence(int node) {
        RaftNode raft = nodes.get(node).manager();
        return raft == null ? null : raft.quiescence();
    }

    /** Node i's replica of a partition (0 is the system partition), or null while node i is down. */
    public RaftPartition replica(int node, int partition) {
        return nodes.get(node).partition(partition);
    }

    /** Node i's replica of a partition (0 is the system partition) as its executor last left it, or null if down. */
    public ReplicaView view(int node, int partition) {
        RaftPartition replica = replica(node, partition);
        return replica == null ? null : replica.view();
    }

    /** Cuts every link between node i and the others, both ways. */
    public void isolate(int node) {
        network.partition(List.of(node), others(node));
    }

    /** Cuts every link between the two groups, both ways. */
    public void partition(List<Integer> side, List<Integer> other) {
        network.partition(side, other);
    }

    /** Cuts the link from node {@code from} to node {@code to} only: what {@code from} sends {@code to} is lost. */
    public void cutLink(int from, int to) {
        network.cut(from, to);
    }

    /** Records every snapshot chunk sent from now on ({@link #snapshotChunks}). */
    public void recordSnapshotChunks() {
        network.recordChunks();
    }

    /** A snapshot chunk sent: by node {@code from} to node {@code to}, of the snapshot up to {@code index}. */
    public record SnapshotChunk(int from, int to, long index, long offset) {
    }

    /** Each snapshot chunk sent since {@link #recordSnapshotChunks}, in order. */
    public List<SnapshotChunk> snapshotChunks() {
        return network.chunks().stream().map(c -> new SnapshotChunk(c.from(), c.to(), c.index(), c.offset()))
                .toList();
    }

    /** The snapshot of a partition that node i's disk holds (its encoding, as the library stores it), or null. */
    public byte[] storedSnapshot(int node, int partition) {
        return nodes.get(node).disk().metadata(io.kommander.internal.partition.SnapshotImage.metadataKey(partition))
                .orElse(null);
    }

    /** Loses every message of one partition to and from node i; its other partitions are not affected. */
    public void mute(int node, int partition) {
        network.mute(node, partition);
    }

    /** Restores every link. */
    public void heal() {
        network.heal();
    }

    void launch(int node) {
        SimNode simNode = nodes.get(node);
        simNode.start();
        if (mergedRosterChanges) {
            NodeSeams.plantMergedRosterChanges(simNode.manager());
        }
        // The node does nothing until virtual time runs, so these listeners see every restore and delivery.
        applied.listen(node, simNode.manager());
    }

    void awaitJoined(int node) {
        CompletableFuture<Void> joined = node(node).joinCluster();
        runUntil("node " + node + " joined", joined::isDone);
        joined.join();
    }

    // ---------------------------------------------------------------- what nodes hold

    /** Entries node i delivered through onReplicationReceived for a partition in its current lifetime. */
    public List<RaftLog> delivered(int node, int partition) {
        return applied.delivered(node, partition);
    }

    /** Entries node i replayed through onLogRestored for a partition in its current lifetime. */
    public List<RaftLog> restored(int node, int partition) {
        return applied.restored(node, partition);
    }

    /** Restored then delivered entries of node i: the whole committed history its application has seen. */
    public List<RaftLog> history(int node, int partition) {
        List<RaftLog> all = new ArrayList<>(restored(node, partition));
        all.addAll(delivered(node, partition));
        return all;
    }

    /**
     * Runs virtual time until node i's history of the partition holds at least {@code count} entries, and returns
     * their payloads as text.
     */
    public List<String> awaitHistory(int node, int partition, int count) {
        runUntil("node " + node + " has " + count + " entries of partition " + partition,
                () -> history(node, partition).size() >= count);
        return history(node, partition).stream().map(SimCluster::text).toList();
    }

    /** The entries node i's disk holds durably for a partition (after its compaction point), in index order. */
    public List<LogEntry> durableLog(int node, int partition) {
        SimDisk disk = nodes.get(node).disk();
        return disk.read(partition, disk.compactedUpTo(partition).index() + 1, disk.lastPosition(partition).index(),
                Long.MAX_VALUE);
    }

    /** The partitions node i's disk holds anything of (see {@code IWAL.partitions()}). */
    public java.util.Set<Integer> storedPartitions(int node) {
        return nodes.get(node).disk().partitions();
    }

    /** Where node i's disk has compacted a partition's log up to. */
    public LogPosition compactedUpTo(int node, int partition) {
        return nodes.get(node).disk().compactedUpTo(partition);
    }

    /**
     * With {@link SimClusterBuilder#snapshots()}: what node i's application holds of a partition in its current lifetime,
     * every entry it was handed, those a snapshot installed included, as text.
     */
    public List<String> state(int node, int partition) {
        return nodes.get(node).stateMachine().state(partition).stream().map(SimCluster::text).toList();
    }

    /**
     * With {@link SimClusterBuilder#snapshots()}: the entries of a partition node i's application holds by key now (those a
     * split moved away left, those a split's seed brought came), as text.
     */
    public List<String> keyed(int node, int partition) {
        return nodes.get(node).stateMachine().keyed(partition).stream().map(SimCluster::text).toList();
    }

    /** The indexes of the snapshots node i installed from a leader for a partition, over all its lifetimes. */
    public List<Long> installedSnapshots(int node, int partition) {
        return applied.installedSnapshots(node, partition);
    }

    /** A payload as text. */
    public static String text(RaftLog log) {
        return new String(log.data(), StandardCharsets.UTF_8);
    }

    /** A durable entry's payload as text. */
    public static String text(LogEntry entry) {
        return new String(entry.data(), StandardCharsets.UTF_8);
    }
}
