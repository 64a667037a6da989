package io.kommander.sim;

import io.kommander.RaftConfiguration;
import io.kommander.RaftLog;
import io.kommander.RaftLogType;
import io.kommander.internal.node.RaftNode;
import io.kommander.internal.partition.PartitionSeams;
import io.kommander.internal.partition.PartitionSeams;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.testing.TestCluster;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * One seed's run of a whole cluster of real {@link RaftNode}s on the simulator: start and join, a fault phase
 * with concurrent clients, heal, a quiet period, a final acknowledged write per partition, then the end checks; a
 * quiet run begins with a check of its cold start ({@link ColdStartCheck}) and ends with its busiest leader's crash
 * ({@link SuccessionCheck}).
 * Safety is checked throughout by the {@link SafetyMonitor}; the run stops at the first violation.
 *
 * <p>Partitions 1 and 2 hold registers (write, read, compare-and-set); the others are append-only logs with
 * checkpoints (so compaction, and its loss on a crash, is exercised) and manual proposals, committed, rolled back or
 * abandoned to their time-to-live. Partition 4 is transferred by snapshot ({@link SimStateMachine}): it compacts
 * behind a short retention whatever the members hold, so a node cut off or down for a few hundred milliseconds comes
 * back behind the compaction point and is rebuilt by snapshot, in small, throttled chunks that faults interrupt.
 */
final class Simulation {

    static {
        // The simulator provokes WAL errors and crashes on purpose; the core's logs of them are noise here.
        if (System.getProperty("org.slf4j.simpleLogger.log.io.kommander") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.io.kommander", "off");
        }
    }

    private static final int PARTITIONS = 4;
    private static final int REGISTER_PARTITIONS = 2;
    /** The partition whose state is transferred by snapshot. */
    private static final int SNAPSHOT_PARTITION = 4;
    private static final int CLIENTS_PER_PARTITION = 2;
    private static final long JOIN_MILLIS = 20_000;
    private static final long FAULT_MILLIS = 5_000;
    private static final long QUIET_MILLIS = 1_500;
    private static final long LIVENESS_MILLIS = 20_000;
    /** In a quiet run, how long after every partition has a leader its AppendLogs surely went out. */
    private static final long LEADERS_SETTLE_MILLIS = 200;
    private static final long MAX_CONFIGURATIONS = 2_000_000;
    private static final long PROPOSAL_TTL_MILLIS = 1_000;
    /** Node slots beyond the initial cluster in the nodes mix, for fresh nodes. */
    private static final int NODE_SPARES = 3;
    /** The replication factor of the nodes mix's placement seeds (the others host every partition on every node). */
    private static final int PLACED_REPLICAS = 3;
    /**
     * The largest entry in the seeds that move keys in chunks ({@link #chunksSeeds}): smaller than the moved state of
     * every split and merge (its seed is padded, {@link #CHUNKED_SEED_PADDING}), larger than any other write of the run.
     */
    private static final int CHUNKED_ENTRY_BYTES = 256;
    /**
     * The padding every seed starts with in those seeds: the moved state of a split or merge of a few keyed writes
     * is a few hundred bytes, so this makes each seed travel in several chunks.
     */
    private static final int CHUNKED_SEED_PADDING = 1_024;

    private final long seed;
    private final FaultMix mix;
    private final SimScheduler scheduler;
    private final SimTrace trace;
    private final SafetyMonitor monitor;
    private final History history;
    private final List<SimNode> nodes = new ArrayList<>();
    private final List<SimClient> clients = new ArrayList<>();
    private final SimNetwork network;
    private final Nemesis nemesis;
    /** How many nodes form the cluster at first (the others, in the nodes mix, are spare slots). */
    private final int initial;
    private final QuiescenceMonitor quiescence;
    /** What becomes of replicas the map moves away or a removed node holds, in the nodes mix (null in the others). */
    private final StrandedReplicaMonitor strandings;
    /** Whether the run places each partition on {@link #PLACED_REPLICAS} nodes (a third of the nodes mix's seeds). */
    private final boolean placement;
    private int inconclusive;

    /**
     * @param seed the run's seed: it alone decides everything that happens
     * @param bugs known-wrong behaviours to plant in every node (negative controls), usually none
     */
    Simulation(long seed, Set<PartitionSeams.Bug> bugs) {
        this(seed, bugs, TestCluster.WalFactory.inMemory());
    }

    /**
     * @param seed    the run's seed: it alone decides everything that happens (given a deterministic WAL)
     * @param bugs    known-wrong behaviours to plant in every node (negative controls), usually none
     * @param storage opens each node's WAL, under the simulated disk; again, on the same storage, after a crash
     */
    Simulation(long seed, Set<PartitionSeams.Bug> bugs, TestCluster.WalFactory storage) {
        this.seed = seed;
        this.mix = FaultMix.forSeed(seed);
        this.placement = placesReplicas(seed);
        this.scheduler = new SimScheduler(new SplittableRandom(seed));
        this.trace = new SimTrace(scheduler);
        this.monitor = new SafetyMonitor(trace);
        this.history = new History(scheduler, trace);
        SplittableRandom random = scheduler.random();
        int size = mix.singleNode() ? 1 : mix.churn() || random.nextInt(4) == 0 ? 5 : 3;
        // With node-level changes, 3 to 5 nodes form the cluster and spare slots wait for fresh nodes.
        this.initial = mix.nodes() ? 3 + random.nextInt(3) : size;
        int slots = mix.nodes() ? initial + NODE_SPARES : size;
        // Batching, pipelining and caching vary by seed, so that appends split differently and followers are
        // sometimes caught up from the WAL rather than the cache.
        int entriesPerAppend = mix.churn() ? 1 : new int[] {1, 4, 16}[random.nextInt(3)];
        int inflight = mix.churn() ? 1 : 1 + random.nextInt(4);
        int cache = new int[] {0, 8, 64}[random.nextInt(3)];
        // Few sessions in some seeds, so that idempotent clients' old sessions are evicted (deterministically, on
        // every replica, and across snapshots and restarts).
        int sessions = random.nextBoolean() ? 2 : 1024;
        // Quiescence is on everywhere (idle system partitions and the quiet phases sleep and wake); the quiescence
        // mix sleeps sooner, so that its lulls put user partitions to sleep too.
        int quiesceAfter = mix.quiescence() ? new int[] {2, 3, 5}[random.nextInt(3)]
                : new int[] {3, 5, 10}[random.nextInt(3)];
        // One or two workers per pool: with two, a second WAL write or read may be in flight while the first runs.
        int workers = 1 + random.nextInt(2);
        // Snapshots of a few kilobytes in chunks of 64 bytes to 4 KiB, some throttled to a few chunks per heartbeat.
        long retention = new long[] {4, 16}[random.nextInt(2)];
        int chunk = new int[] {64, 512, 4096}[random.nextInt(3)];
        long snapshotRate = random.nextBoolean() ? 20_000 : 1 << 20;
        UnaryOperator<RaftConfiguration.Builder> tuning = b -> b.maxEntriesPerAppend(entriesPerAppend)
                .maxInflightAppends(inflight).logCacheEntries(cache).maxClientSessions(sessions)
                .walWriteWorkers(workers).walReadWorkers(workers).executorPoolSize(workers)
                .snapshotRetentionEntries(retention).snapshotChunkBytes(chunk).snapshotBytesPerSecond(snapshotRate)
                .quiesceAfterHeartbeats(quiesceAfter).maxEntryBytes(chunksSeeds(seed) ? CHUNKED_ENTRY_BYTES
                        : RaftConfiguration.builder().build().maxEntryBytes());
        List<String> endpoints = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            endpoints.add("sim" + i + ":" + (7000 + i));
        }
        this.network = new SimNetwork(scheduler, trace, monitor, endpoints);
        for (int i = 0; i < slots; i++) {
            long skew = mix.clocks() ? random.nextLong(-500, 501) : 0;
            double rate = mix.clocks() ? 0.9 + random.nextDouble() * 0.2 : 1.0;
            nodes.add(new SimNode(i, endpoints, tuning.apply(configuration(i, endpoints.get(i))
                            .replicationFactor(placement ? PLACED_REPLICAS : 255)), scheduler, network, trace,
                    monitor, bugs, skew, rate, seed * 1_000_003L + i, storage, partitionMaps()
                    // Partitions split off the snapshot partition (and those created) are transferred by snapshot too.
                    ? p -> p >= SNAPSHOT_PARTITION : p -> p == SNAPSHOT_PARTITION));
            if (slots > initial) {
                nodes.get(i).discovery(endpoints.subList(0, initial));
            }
            if (chunksSeeds(seed)) {
                nodes.get(i).seedPadding(CHUNKED_SEED_PADDING);
            }
        }
        for (int p = 1; p <= PARTITIONS; p++) {
            for (int c = 0; c < CLIENTS_PER_PARTITION; c++) {
                clients.add(new SimClient(clients.size(), p, p <= REGISTER_PARTITIONS, !mix.wipes() && !mix.nodes(),
                        nodes, scheduler, history));
            }
        }
        // The nodes mix's other seeds create and remove partitions while members leave and come back (wiped), so
        // that a created partition's first configuration meets a roster that is not the nodes' configured members.
        this.nemesis = new Nemesis(mix, partitionMaps(), nodes, initial, network, scheduler, trace, monitor,
                PARTITIONS, REGISTER_PARTITIONS, FAULT_MILLIS, mix.nodes() && !placement);
        QuorumMonitor quorums = new QuorumMonitor(nodes, monitor, PARTITIONS);
        RosterMonitor rosters = new RosterMonitor(nodes, monitor, PARTITIONS,
                RaftConfiguration.builder().build().promotionLagEntries());
        ConfigurationMonitor configurations = new ConfigurationMonitor(nodes, monitor, PARTITIONS);
        PlacementMonitor placements = placement ? new PlacementMonitor(nodes, monitor) : null;
        ColocationMonitor colocations = placement ? new ColocationMonitor(nodes, monitor) : null;
        // In every nodes-mix seed: nodes the roster removed delete their replicas' data too; in half of them, one runs
        // on, removed, to the end, so that the settle check sees it.
        if (keepsARemovedNode(seed)) {
            nemesis.nodeChanges().keepOneRemoved();
        }
        this.strandings = mix.nodes() ? new StrandedReplicaMonitor(nodes, monitor, PARTITIONS,
                nemesis.nodeChanges()::removedRunning) : null;
        this.quiescence = new QuiescenceMonitor(nodes, network, scheduler, monitor, PARTITIONS);
        MoveLogMonitor moveLogs = partitionMaps() ? new MoveLogMonitor(nodes, monitor) : null;
        scheduler.afterEachEvent(() -> {
            quorums.check();
            quiescence.check();
            monitor.wipes().check(nodes);
            rosters.check();
            configurations.check();
            if (placements != null) {
                placements.check();
                colocations.check();
            }
            if (strandings != null) {
                strandings.check();
            }
            if (moveLogs != null) {
                moveLogs.check();
            }
        });
    }

    /**
     * Whether seed {@code seed}'s run places each partition on {@value #PLACED_REPLICAS} nodes: every third seed of
     * the nodes mix, chosen by its turn in the rotation, not by a draw, so that the other seeds run as they did.
     */
    static boolean placesReplicas(long seed) {
        return FaultMix.forSeed(seed).nodes() && Math.floorMod(seed / FaultMix.ALL.length, 3) == 0;
    }

    /**
     * Whether seed {@code seed}'s run moves keys with a seed larger than {@code maxEntryBytes}: every other turn of the
     * rotation among the runs that change the partition map ({@link #partitionMaps}), chosen by turn, not by a draw,
     * so that the other seeds run as they did. Its nodes' {@code maxEntryBytes} is {@value #CHUNKED_ENTRY_BYTES} and
     * their applications pad every seed with {@value #CHUNKED_SEED_PADDING} bytes, so each split's or merge's seed
     * travels as a sequence of chunks, under the mix's faults.
     */
    static boolean chunksSeeds(long seed) {
        return (FaultMix.forSeed(seed).partitionMaps() || placesReplicas(seed))
                && Math.floorMod(seed / FaultMix.ALL.length, 2) == 1;
    }

    /**
     * Whether seed {@code seed}'s run keeps the first member the roster removes while it runs running to the end
     * ({@link NodeChanges#keepOneRemoved}): half of the nodes mix's seeds, three in a row of its rotation out of six,
     * so that placement seeds and the others both do.
     */
    static boolean keepsARemovedNode(long seed) {
        return FaultMix.forSeed(seed).nodes() && Math.floorMod(seed / FaultMix.ALL.length / 3, 2) == 1;
    }

    /**
     * Whether the run changes the partition map online ({@link PartitionChurn}, with {@link SplitChurn}'s splits and
     * merges): the membership mix, and the placement seeds, where splits and merges interleave with replica moves.
     */
    private boolean partitionMaps() {
        return mix.partitionMaps() || placement;
    }

    private static RaftConfiguration.Builder configuration(int node, String endpoint) {
        return RaftConfiguration.builder()
                .nodeId(node + 1)
                .host(endpoint.substring(0, endpoint.indexOf(':')))
                .port(7000 + node)
                .initialPartitions(PARTITIONS)
                .heartbeatIntervalMillis(20)
                .electionTimeoutMillis(100, 200)
                .electionSeed(node)
                .proposalTimeoutMillis(500)
                .proposalTimeToLiveMillis(PROPOSAL_TTL_MILLIS)
                .compactionIntervalMillis(250);
    }

    /** Runs the seed to the end (or the first violation) and reports. */
    SimResult run() {
        try {
            if (start() && faults() && settle()) {
                inconclusive = new FinalChecks(scheduler, monitor, history, nodes, PARTITIONS, REGISTER_PARTITIONS,
                        new LinearizabilityChecker(MAX_CONFIGURATIONS), PROPOSAL_TTL_MILLIS, mix.quiet()).run();
                if (mix.quiet() && !monitor.failed()) {
                    new SuccessionCheck(monitor, nodes, PARTITIONS, this::runUntil).run();
                }
            }
        } catch (RuntimeException | StackOverflowError e) {
            StringWriter stack = new StringWriter();
            e.printStackTrace(new PrintWriter(stack));
            monitor.fail("simulator error: " + stack);
        } finally {
            nodes.forEach(node -> node.disk().release());
        }
        return new SimResult(seed, mix, initial, monitor.violation(), trace.digest() ^ scheduler.executed(),
                scheduler.executed(), scheduler.now(), history.ops().size(), inconclusive,
                monitor.failed() ? trace.last(80) : List.of(), monitor.installs(),
                nemesis.nodeChanges() == null ? 0 : nemesis.nodeChanges().changes(),
                nemesis.nodeChanges() == null ? 0 : nemesis.nodeChanges().refusedInProgress(), quiescence.quiesces(),
                quiescence.wakes(), splits() == null ? 0 : splits().asked(), finished(SplitChurn::finished),
                splits() == null ? 0 : splits().mergesAsked(), finished(SplitChurn::mergesFinished));
    }

    /** The run's splits and merges, or null if it makes none. */
    private SplitChurn splits() {
        PartitionChurn churn = nemesis.partitionChurn();
        return churn == null ? null : churn.splits();
    }

    /** Splits or merges finished in the run, as the first live node's map has them. */
    private int finished(java.util.function.ToIntBiFunction<SplitChurn, io.kommander.internal.node.RaftNode> count) {
        SplitChurn splits = splits();
        return splits == null ? 0 : nodes.stream().filter(n -> n.state() == SimNode.State.UP && n.manager() != null)
                .findFirst().map(n -> count.applyAsInt(splits, n.manager())).orElse(0);
    }

    private boolean start() {
        List<SimNode> members = nodes.subList(0, initial);
        members.forEach(SimNode::start);
        List<CompletableFuture<Void>> joins = members.stream().map(n -> n.manager().joinCluster()).toList();
        if (!runUntil(() -> joins.stream().allMatch(CompletableFuture::isDone), JOIN_MILLIS)) {
            monitor.fail("liveness: the cluster did not start within " + JOIN_MILLIS + " ms");
        }
        return !monitor.failed();
    }

    private boolean faults() {
        if (mix.quiet()) {
            if (!runUntil(this::everyPartitionHasALeader, LIVENESS_MILLIS)) {
                monitor.fail("liveness: not every partition has a leader " + LIVENESS_MILLIS + " ms after joining");
                return false;
            }
            runUntil(() -> false, LEADERS_SETTLE_MILLIS);
            new ColdStartCheck(monitor, PARTITIONS).run();
            monitor.freezeLeaders();
        }
        clients.forEach(SimClient::start);
        nemesis.start();
        if (mix.quiescence()) {
            scheduleLull(scheduler.now() + FAULT_MILLIS);
        }
        runUntil(() -> false, FAULT_MILLIS);
        return !monitor.failed();
    }

    /** Every client holds off for 300 to 700 ms, every 0.6 to 1.2 s of the fault phase: partitions fall asleep. */
    private void scheduleLull(long faultsEnd) {
        SplittableRandom random = scheduler.random();
        scheduler.schedule(SimScheduler.NO_NODE, 600 + random.nextInt(600), () -> {
            if (scheduler.now() < faultsEnd) {
                long until = scheduler.now() + 300 + scheduler.random().nextInt(400);
                clients.forEach(client -> client.holdUntil(until));
                scheduleLull(faultsEnd);
            }
        });
    }

    private boolean settle() {
        nemesis.healAll();
        clients.forEach(SimClient::stop);
        runUntil(() -> false, QUIET_MILLIS);
        if (!runUntil(this::everyPartitionHasALeader, LIVENESS_MILLIS)) {
            monitor.fail("liveness: not every partition has a leader " + LIVENESS_MILLIS + " ms after healing:"
                    + leaderlessSummary());
            return false;
        }
        List<SimClient> finalWriters = new ArrayList<>();
        for (int i = 0; i < clients.size(); i += CLIENTS_PER_PARTITION) {
            finalWriters.add(clients.get(i));
        }
        finalWriters.forEach(SimClient::writeUntilAcknowledged);
        if (!runUntil(() -> finalWriters.stream().allMatch(SimClient::acknowledged), LIVENESS_MILLIS)) {
            monitor.fail("liveness: a final write was not acknowledged within " + LIVENESS_MILLIS + " ms");
            return false;
        }
        if (!runUntil(() -> monitor.unsettledProposals().isEmpty(), LIVENESS_MILLIS)) {
            monitor.fail("time-to-live: manual proposals still open " + LIVENESS_MILLIS + " ms after the final"
                    + " writes: " + monitor.unsettledProposals());
            return false;
        }
        nemesis.restoreMembership();
        if (!runUntil(nemesis::membershipComplete, LIVENESS_MILLIS)) {
            monitor.fail("membership: not every node is a voter of every register partition again "
                    + LIVENESS_MILLIS + " ms after the final writes");
            return false;
        }
        NodeChanges nodeChanges = nemesis.nodeChanges();
        if (nodeChanges != null && !runUntil(nodeChanges::settled, LIVENESS_MILLIS)) {
            monitor.fail("membership: the roster and the partitions' configurations did not settle "
                    + LIVENESS_MILLIS + " ms after the final writes:\n   " + nodeChanges.unsettled());
            return false;
        }
        if (strandings != null && !runUntil(strandings::settled, LIVENESS_MILLIS)) {
            monitor.fail("stranded replica: a node keeps a replica the map moved away from it (or, removed from the"
                    + " roster, any user replica), which the partition's committed configuration no longer holds, "
                    + LIVENESS_MILLIS + " ms after the final writes: "
                    + strandings.unsettled());
            return false;
        }
        if (!runUntil(this::converged, LIVENESS_MILLIS)) {
            monitor.fail("convergence: live nodes did not deliver the same entries: " + appliedSummary());
            return false;
        }
        SplitChurn splits = splits();
        if (splits != null) {
            if (!runUntil(() -> splits.settled(nemesis.members()), LIVENESS_MILLIS)) {
                monitor.fail("split: a split did not finish, or a member does not hold every acknowledged keyed"
                        + " write, " + LIVENESS_MILLIS + " ms after the final writes:"
                        + splits.unsettled(nemesis.members()));
                return false;
            }
            splits.check(nemesis.members());
        }
        if (!runUntil(this::compactedToLastCheckpoint, LIVENESS_MILLIS)) {
            monitor.fail("compaction: a node did not compact to its partition's last checkpoint:"
                    + compactionSummary());
            return false;
        }
        return !monitor.failed();
    }

    private boolean runUntil(BooleanSupplier done, long millis) {
        long deadline = scheduler.now() + millis;
        return scheduler.runUntil(() -> monitor.failed() || done.getAsBoolean(), deadline) && !monitor.failed();
    }

    /** Each replica's view of every partition without a leader: role, term, commit, configuration. */
    private String leaderlessSummary() {
        StringBuilder text = new StringBuilder();
        for (int p = 0; p <= PARTITIONS; p++) {
            int partition = p;
            if (nodes.stream().anyMatch(n -> n.partition(partition) != null && n.partition(partition).isLeaderQuick())) {
                continue;
            }
            for (SimNode node : nodes) {
                RaftPartition replica = node.partition(p);
                text.append("\n   p").append(p).append(" n").append(node.index()).append(": ")
                        .append(replica == null ? "down" : replica.view());
            }
        }
        return text.toString();
    }

    private boolean everyPartitionHasALeader() {
        for (int p = 0; p <= PARTITIONS; p++) {
            boolean led = false;
            for (SimNode node : nodes) {
                RaftPartition partition = node.partition(p);
                led |= partition != null && partition.isLeaderQuick();
            }
            if (!led) {
                return false;
            }
        }
        return true;
    }

    private boolean converged() {
        for (int p = 1; p <= PARTITIONS; p++) {
            int partition = p;
            long acknowledged = history.ops().stream().filter(op -> op.partition == partition && op.ok)
                    .mapToLong(op -> op.logIndex).max().orElse(0);
            long last = monitor.committed(p).isEmpty() ? 0L : monitor.committed(p).lastKey();
            if (last < acknowledged) {
                return false;
            }
            for (SimNode node : nemesis.members()) {
                if (!node.hosts(p)) {
                    continue;
                }
                // Past the last delivered entry only by a snapshot whose boundary is an entry no application sees
                // (a barrier or a configuration change): nothing is left to deliver there either.
                if (monitor.lastApplied(node.index(), p) < last) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether every node compacted each partition up to its last committed checkpoint, which every node holds (the
     * snapshot partition compacts behind snapshots, not checkpoints).
     */
    private boolean compactedToLastCheckpoint() {
        for (int p = 1; p <= PARTITIONS; p++) {
            if (p == SNAPSHOT_PARTITION) {
                continue;
            }
            long checkpoint = lastCheckpoint(p);
            for (SimNode node : nemesis.members()) {
                if (node.hosts(p) && node.disk().compactedUpTo(p).index() < checkpoint) {
                    return false;
                }
            }
        }
        return true;
    }

    private long lastCheckpoint(int partition) {
        return monitor.committed(partition).values().stream()
                .filter(log -> log.kind() == RaftLogType.CommittedCheckpoint)
                .mapToLong(RaftLog::index).max().orElse(0);
    }

    private String compactionSummary() {
        StringBuilder text = new StringBuilder();
        for (int p = 1; p <= PARTITIONS; p++) {
            text.append("\n   p").append(p).append(" last checkpoint ").append(lastCheckpoint(p)).append(':');
            for (SimNode node : nodes) {
                text.append(" n").append(node.index()).append(" compacted to ")
                        .append(node.disk().compactedUpTo(p).index());
            }
        }
        return text.toString();
    }

    /** Each node's view of each partition (applied index, then the state machine's own), for failure reports. */
    private String appliedSummary() {
        List<CompletableFuture<String>> views = new ArrayList<>();
        for (int p = 1; p <= PARTITIONS; p++) {
            int id = p;
            long acknowledged = history.ops().stream().filter(op -> op.partition == id && op.ok)
                    .mapToLong(op -> op.logIndex).max().orElse(0);
            views.add(CompletableFuture.completedFuture(" p" + p + " last committed "
                    + (monitor.committed(p).isEmpty() ? 0 : monitor.committed(p).lastKey()) + ", last acknowledged "
                    + acknowledged));
            for (SimNode node : nodes) {
                String who = " p" + p + " n" + node.index() + " applied " + monitor.lastApplied(node.index(), p);
                RaftPartition partition = node.partition(p);
                views.add(partition == null ? CompletableFuture.completedFuture(who + " (down)")
                        : PartitionSeams.inspect(partition, m -> who + " [" + m.role() + " t" + m.term() + " commit " + m.commitIndex()
                                + " applied " + m.appliedIndex() + " last " + m.lastIndex() + " leader "
                                + m.leader() + "]"));
            }
        }
        scheduler.runUntil(() -> views.stream().allMatch(CompletableFuture::isDone), scheduler.now() + 1_000);
        StringBuilder text = new StringBuilder();
        views.forEach(v -> text.append("\n   ").append(v.getNow(" (no answer)")));
        return text.toString();
    }
}
