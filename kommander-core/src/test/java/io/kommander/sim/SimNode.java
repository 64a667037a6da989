package io.kommander.sim;

import io.kommander.RaftConfiguration;
import io.kommander.RaftLog;
import io.kommander.RaftOperationStatus;
import io.kommander.internal.node.NodeSeams;
import io.kommander.internal.node.RaftNode;
import io.kommander.discovery.StaticDiscovery;
import io.kommander.internal.partition.PartitionSeams;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.session.ClientSessions;
import io.kommander.internal.session.SessionLimits;
import io.kommander.testing.TestCluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntPredicate;

/**
 * One simulated node across its lifetimes: the disk it keeps, and the current incarnation (runtime, transport,
 * {@link RaftNode}) that a crash abandons without closing, so nothing flushes, and that a leave closes after
 * handing over its partitions. It also plays the application: a register per partition, rebuilt from what the node
 * restores and delivers, and for the partitions transferred by snapshot a {@link SimStateMachine}.
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class SimNode {

    /** A node's life stage. */
    enum State { UP, PAUSED, LEAVING, DOWN }

    private final int index;
    private final List<String> endpoints;
    private final RaftConfiguration.Builder configuration;
    private final SimScheduler scheduler;
    private final SimNetwork network;
    private final SimTrace trace;
    private final SafetyMonitor monitor;
    private final Set<PartitionSeams.Bug> bugs;
    private final SimDisk disk;
    private final SimClock clock;
    private final long seed;
    /** The partitions transferred by snapshot (none: the node has no {@code IRaftStateMachineTransfer}). */
    private final IntPredicate transferred;
    private final Map<Integer, long[]> registers = new HashMap<>();
    private SimStateMachine stateMachine;
    private int incarnation;
    private State state = State.DOWN;
    /** Whether a partition of this incarnation gave up after repeated WAL failures (until a restart). */
    private boolean partitionGaveUp;
    private SimRuntime runtime;
    private SimTransport transport;
    private RaftNode manager;
    /** Told of each partition map change this node applies, with the node (drain check, co-location monitor). */
    private java.util.function.BiConsumer<SimNode, io.kommander.PartitionMap> mapChanged = (node, map) -> { };
    private java.util.function.BiConsumer<SimNode, Integer> splitApplied = (node, partition) -> { };
    /** Start again as soon as the leave in progress ends (the run is healing). */
    private boolean restartWhenLeft;
    /** The discovery list, if not every other endpoint (a cluster with nodes that join later). */
    private List<String> discovery;
    /** Bytes of padding each seed of the application starts with ({@link SimStateMachine}). */
    private int seedPadding;

    SimNode(int index, List<String> endpoints, RaftConfiguration.Builder configuration, SimScheduler scheduler,
            SimNetwork network, SimTrace trace, SafetyMonitor monitor, Set<PartitionSeams.Bug> bugs, long skew, double rate,
            long seed, TestCluster.WalFactory storage) {
        this(index, endpoints, configuration, scheduler, network, trace, monitor, bugs, skew, rate, seed, storage,
                null);
    }

    SimNode(int index, List<String> endpoints, RaftConfiguration.Builder configuration, SimScheduler scheduler,
            SimNetwork network, SimTrace trace, SafetyMonitor monitor, Set<PartitionSeams.Bug> bugs, long skew, double rate,
            long seed, TestCluster.WalFactory storage, IntPredicate transferred) {
        this.transferred = transferred;
        this.index = index;
        this.endpoints = endpoints;
        this.configuration = configuration;
        this.scheduler = scheduler;
        this.network = network;
        this.trace = trace;
        this.monitor = monitor;
        this.bugs = bugs;
        this.disk = new SimDisk(scheduler.random(), index, storage);
        this.clock = new SimClock(scheduler, index, skew, rate);
        this.seed = seed;
    }

    int index() {
        return index;
    }

    /** Lists only {@code seeds} in the node's discovery, instead of every other endpoint. */
    void discovery(List<String> seeds) {
        this.discovery = seeds.stream().filter(e -> !e.equals(endpoint())).toList();
    }

    /** Pads every seed this node's application produces with {@code bytes} (from the next start on). */
    void seedPadding(int bytes) {
        this.seedPadding = bytes;
    }

    String endpoint() {
        return endpoints.get(index);
    }

    State state() {
        return state;
    }

    SimDisk disk() {
        return disk;
    }

    /**
     * Adds what is told of each partition map change this node's incarnations apply (after those added before), from
     * the next start on.
     */
    void onMapChanged(java.util.function.BiConsumer<SimNode, io.kommander.PartitionMap> listener) {
        this.mapChanged = mapChanged.andThen(listener);
    }

    /** Sets what is told when this node's application splits a partition (at its split entry), from the next start on. */
    void onSplitApplied(java.util.function.BiConsumer<SimNode, Integer> listener) {
        this.splitApplied = listener;
    }

    /** The current incarnation's manager, or null while down. */
    RaftNode manager() {
        return state == State.DOWN ? null : manager;
    }

    /** The current incarnation's partition {@code p} (0 is the system partition), or null while down or unknown. */
    RaftPartition partition(int p) {
        RaftNode current = manager();
        return current == null ? null : NodeSeams.partition(current, p);
    }

    /** Whether a partition of this incarnation gave up after repeated WAL failures: only a restart brings it back. */
    boolean partitionGaveUp() {
        return partitionGaveUp;
    }

    /** The register of a partition as this incarnation has applied it. */
    long register(int partition) {
        long[] r = registers.get(partition);
        return r == null ? 0 : r[0];
    }

    /** Starts a new incarnation on the node's disk and joins the cluster. */
    void start() {
        incarnation++;
        restartWhenLeft = false;
        partitionGaveUp = false;
        registers.clear();
        disk.powerOn();
        runtime = new SimRuntime(scheduler, index, clock, seed * 31 + incarnation);
        transport = network.transport(index);
        List<String> peers = discovery != null ? discovery
                : endpoints.stream().filter(e -> !e.equals(endpoint())).toList();
        stateMachine = transferred == null ? null : new SimStateMachine(transferred,
                (p, at, installed) -> monitor.onSnapshotInstalled(index, p, at, installed),
                p -> splitApplied.accept(this, p), seedPadding);
        manager = new RaftNode(configuration.build(), disk, transport, StaticDiscovery.of(peers), runtime, null,
                stateMachine);
        NodeSeams.plant(manager, bugs);
        manager.onRestoreStarted(p -> {
            if (holdsNothingOf(p)) {
                // Nothing of it on the disk (a replica placed here again after its data was deleted, or a first
                // start): the application starts it from nothing and is handed every entry again.
                monitor.onFreshReplica(index, p);
            }
            monitor.onRestoreStarted(index, p, restoreStart(p));
            registers.remove(p);
            if (stateMachine != null) {
                stateMachine.reset(p);
            }
        });
        manager.onLogRestored((p, log) -> {
            monitor.onRestored(index, p, log);
            apply(p, log);
        });
        manager.onReplicationReceived((p, log) -> {
            monitor.onDelivered(index, p, log, disk.holds(p, log.index(), log.term()));
            apply(p, log);
            return true;
        });
        manager.onSnapshotInstalled((p, at) -> {
            monitor.onInstallAnnounced();
            trace.record(index, "installed", p, at, "p" + p + " rebuilt by snapshot up to " + at);
        });
        // A replica that detects an impossible state stops its partition: in the simulator that is a failure.
        manager.onPartitionFailed((p, cause) -> monitor.fail("impossible state: n" + index + " stopped partition " + p
                + ": " + cause));
        manager.onPartitionUnavailable((p, error, retryInMillis) -> {
            partitionGaveUp |= retryInMillis < 0;
            trace.record(index, "walfail", p, retryInMillis, "p" + p + " WAL failed ("
                    + (retryInMillis < 0 ? "gave up" : "restores in " + retryInMillis + " ms") + "): "
                    + error.getMessage());
        });
        manager.onPartitionMapChanged(map -> mapChanged.accept(this, map));
        manager.onLeaderChanged((p, leader) -> trace.record(index, "leader", p, leader == null ? -1
                : endpoints.indexOf(leader), "p" + p + " leader is " + (leader == null ? "unknown"
                : "n" + endpoints.indexOf(leader))));
        state = State.UP;
        trace.record(index, "start", incarnation, 0, "incarnation " + incarnation);
        manager.joinCluster();
    }

    /**
     * Where a restore of partition {@code p} starts: the disk's compaction point, or the point the stored session
     * snapshot was written for if a crash undid that compaction (compaction need not sync; the snapshot is synced
     * before it), since the partition then takes the compaction as done.
     */
    private long restoreStart(int p) {
        if (holdsNothingOf(p)) {
            return 0; // what the WAL's metadata holds under its id is an earlier replica's, which the restore ignores
        }
        long compacted = disk.compactedUpTo(p).index();
        return disk.metadata(ClientSessions.metadataKey(p))
                .map(snapshot -> new ClientSessions(new SessionLimits(1, 1, 1)).restore(snapshot).index())
                .map(point -> Math.max(point, compacted))
                .orElse(compacted);
    }

    /** Whether the disk reads partition {@code p} as never written (as a restore tells, {@code RaftWriteAhead}). */
    private boolean holdsNothingOf(int p) {
        return disk.hardState(p).equals(io.kommander.wal.HardState.EMPTY)
                && disk.compactedUpTo(p).equals(io.kommander.wal.LogPosition.ZERO)
                && disk.lastPosition(p).equals(io.kommander.wal.LogPosition.ZERO);
    }

    /**
     * The replicas this node's applied map names for user partition {@code p}: empty when every member hosts it (or
     * for partition 0, or while the node is down or knows no map).
     */
    Set<String> replicasOf(int p) {
        if (manager == null || state != State.UP || p == 0) {
            return Set.of();
        }
        return manager.getPartitionMap().partition(p).map(d -> (Set<String>) new java.util.TreeSet<>(d.replicas()))
                .orElse(Set.of());
    }

    /** Whether this node's applied map places user partition {@code p} on it (every member, or named). */
    boolean hosts(int p) {
        Set<String> replicas = replicasOf(p);
        return replicas.isEmpty() || replicas.contains(endpoint());
    }

    /** The application state of the partitions transferred by snapshot (this incarnation's), or null if none. */
    SimStateMachine stateMachine() {
        return stateMachine;
    }

    private void apply(int partition, RaftLog log) {
        if (stateMachine != null) {
            stateMachine.apply(partition, log);
        }
        Command command = Command.decode(log.data());
        long[] register = registers.computeIfAbsent(partition, p -> new long[1]);
        if (command != null) {
            register[0] = command.applyTo(register[0]);
        }
    }

    /**
     * The power goes out: pending events are dropped, the manager is abandoned without close, the disk keeps only
     * what was synced.
     */
    void crash(int partitions) {
        if (state == State.DOWN) {
            return;
        }
        Set<Integer> removed = removedPartitions();
        runtime.kill();
        transport.disconnect();
        scheduler.drop(index);
        disk.crash();
        checkDurable(partitions, removed);
        state = State.DOWN;
        manager = null;
        trace.record(index, "crash", incarnation, 0, "crashed (incarnation " + incarnation + ")");
    }

    /**
     * The partitions this incarnation's map says are removed, or placed elsewhere (or anywhere, once the roster
     * removed this node) with nothing of them left on this node's disk (their data is gone, or going, from the disk).
     */
    private Set<Integer> removedPartitions() {
        boolean outOfRoster = manager != null && NodeSeams.removed(manager);
        return manager == null ? Set.of() : manager.getPartitionMap().partitions().stream()
                .filter(p -> p.state() == io.kommander.PartitionState.REMOVED
                        || ((outOfRoster || !p.hostedBy(endpoint())) && disk.lastPosition(p.id()).index() == 0))
                .map(p -> p.id()).collect(java.util.stream.Collectors.toSet());
    }

    /** What this lifetime delivered is within the durable log, for every partition not removed from the cluster. */
    private void checkDurable(int partitions, Set<Integer> removed) {
        for (int p = 1; p <= partitions; p++) {
            if (removed.contains(p)) {
                monitor.onRemoved(index, p);
            } else {
                monitor.onCrash(index, p, Math.max(disk.lastPosition(p).index(), disk.compactedUpTo(p).index()));
            }
        }
    }

    /**
     * The node crashes and its disk is wiped, as when its data folder is deleted: it restarts (when recovered)
     * without data, a new incarnation that must catch up before it votes.
     */
    void wipe(int partitions) {
        crash(partitions);
        disk.wipe();
        monitor.onWipe(index, disk, partitions);
        trace.record(index, "wipe", incarnation, 0, "disk wiped (incarnation " + incarnation + ")");
    }

    /**
     * Starts the node as a fresh machine that joins the running cluster ({@code joinExisting}): its disk wiped (what
     * an earlier incarnation at this endpoint held is gone, and so is its application's state), the members listed
     * in {@code seeds} as where to look for the cluster. Its {@code joinCluster()} future says when it is a voter.
     */
    void startFresh(int partitions, List<String> seeds) {
        makeFresh(partitions, seeds);
        start();
    }

    /** As {@link #startFresh}, without starting it: the caller starts it (and may listen to it first). */
    void makeFresh(int partitions, List<String> seeds) {
        wipe(partitions);
        configuration.joinExisting(true);
        discovery(seeds);
    }

    /**
     * The public {@code leaveCluster()}: the node is taken out of every partition and of the roster, then closes
     * itself. Once closed it is down (the callers of its calls were answered meanwhile), its disk intact.
     *
     * @return the call's status; null if the node is not up
     */
    CompletableFuture<RaftOperationStatus> leaveCluster(int partitions) {
        if (state != State.UP) {
            return null;
        }
        int leaving = incarnation;
        trace.record(index, "leaveCluster", incarnation, 0, "leaveCluster (incarnation " + incarnation + ")");
        return manager.leaveCluster().whenComplete((status, error) -> {
            if (incarnation == leaving && state != State.DOWN && status == RaftOperationStatus.Success) {
                left(partitions, error);
            }
        });
    }

    /**
     * The node steps out cleanly, to come back: it hands over every partition it leads (as {@code leaveCluster}
     * does before it closes), then closes, staying in the roster. Its callers' calls complete meanwhile; once closed
     * it is down, with its disk intact, until started again.
     */
    void leave(int partitions) {
        if (state != State.UP) {
            return;
        }
        state = State.LEAVING;
        int leaving = incarnation;
        trace.record(index, "leave", incarnation, 0, "leaving (incarnation " + incarnation + ")");
        handOverAndClose(partitions).whenComplete((done, error) -> {
            if (incarnation == leaving && state == State.LEAVING) {
                left(partitions, error);
            }
        });
    }

    private java.util.concurrent.CompletableFuture<Void> handOverAndClose(int partitions) {
        List<java.util.concurrent.CompletableFuture<?>> transfers = new java.util.ArrayList<>();
        for (int p = 0; p <= partitions; p++) {
            var partition = NodeSeams.partition(manager, p);
            var configuration = partition == null ? null : partition.view().configuration();
            // To another voter of the partition (a slot that is no member would be refused up front).
            List<String> peers = configuration == null ? List.of() : configuration.votersOtherThan(endpoint());
            if (partition != null && partition.isLeaderQuick() && !peers.isEmpty()) {
                String target = peers.get(p % peers.size());
                transfers.add(partition.transferLeadership(target));
            }
        }
        RaftNode leaving = manager;
        return java.util.concurrent.CompletableFuture.allOf(transfers.toArray(java.util.concurrent.CompletableFuture[]::new))
                .handle((done, error) -> null).thenCompose(done -> leaving.closeAsync());
    }

    private void left(int partitions, Throwable error) {
        if (error != null) {
            monitor.fail("leaveCluster failed on n" + index + ": " + error);
        }
        runtime.kill();
        scheduler.drop(index);
        // The same check as after a crash: what this lifetime delivered is within the durable log.
        checkDurable(partitions, removedPartitions());
        state = State.DOWN;
        manager = null;
        trace.record(index, "left", incarnation, 0, "left (incarnation " + incarnation + ")");
        if (restartWhenLeft) {
            start();
        }
    }

    /** Starts the node again once the leave in progress ends (nothing to do if it is not leaving). */
    void restartWhenLeft() {
        if (state == State.LEAVING) {
            restartWhenLeft = true;
        }
    }

    /** The power goes out inside the node's next WAL write, tearing it (see {@link SimDisk#armTear}). */
    void crashInNextWrite(int partitions) {
        if (state != State.DOWN) {
            disk.armTear(() -> crash(partitions));
            trace.record(index, "tear", 0, 0, "crashes in its next write");
        }
    }

    /** Stops the node's clock and holds its events (a long GC pause, a frozen VM). */
    void pause() {
        if (state == State.UP) {
            scheduler.pause(index);
            state = State.PAUSED;
            trace.record(index, "pause", 0, 0, "paused");
        }
    }

    /** Steps the machine's wall clock back (negative) or forward: only tickets may notice. */
    void stepClock(long deltaMillis) {
        clock.step(deltaMillis);
        trace.record(index, "clock", deltaMillis, 0, "wall clock stepped " + (deltaMillis > 0 ? "+" : "")
                + deltaMillis + " ms");
    }

    /** Ends a pause. */
    void resume() {
        if (state == State.PAUSED) {
            scheduler.resume(index);
            state = State.UP;
            trace.record(index, "resume", 0, 0, "resumed");
        }
    }
}
