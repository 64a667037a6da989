package io.kommander.internal.partition;

import io.kommander.PartitionStatus;
import io.kommander.RaftLog;
import io.kommander.time.HLCTimestamp;
import io.kommander.transport.RaftMessage;
import io.kommander.wal.LogEntry;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A {@link RaftPartition}'s executor-confined state (its state machine, epoch and planted bugs) with the snapshots
 * of it that other threads read without waiting, and the one object through which the executor (its after-drain and
 * failure hooks) and the partition's helpers reach that state. After each drain it carries out the machine's
 * {@link Ready}s and publishes the snapshots.
 *
 * <p>Executor-confined, except the snapshot getters and {@link #close()}, which any thread may call.
 */
final class ReplicaHost implements PartitionParts, PartitionSnapshots.Host, PartitionRestore.Host,
        ReadyCarrier.Host, PartitionCompaction.Host, RequestSubmission.Host, PartitionQueries.Host, Runnable,
        Consumer<Throwable> {

    private final RaftPartition partition;
    private final PartitionCallbacks callbacks;
    private final PendingRequests requests;
    // Set once by wire(): they are built on the executor, which is built on this host.
    private ReadyCarrier carrier;
    private CatchUpMarks catchUp;
    private PartitionRecovery recovery;

    // Executor-confined state.
    /** Null from a WAL failure until the next restore begins: the failed machine may be ahead of the disk. */
    private RaftPartitionStateMachine machine;
    /** Bumped by every WAL failure: completions of work submitted before it are ignored. */
    private int epoch;
    private boolean readyLeader; // as of the last drain, so the owner hears of each leadership once
    /** The highest leader commit index seen in an AppendLogs: how far a learner is behind, for its view. */
    private long leaderCommitSeen;
    /** Bugs tests planted here (executor only); a shared empty set until the first, so a replica pays nothing. */
    private Set<PlantedBug> plantedBugs = Set.of();
    /** Whether the machine was quiesced, and under which leader, as last told to the node's {@link QuiescedPartitions}. */
    private boolean publishedQuiesced;
    private String publishedSleepLeader;

    // Snapshots for lock-free queries from any thread.
    private volatile boolean restored;
    /** The WAL failed too often in a row: the partition gave up until the node restarts. */
    private volatile boolean unavailable;
    private volatile boolean leaderQuick;
    /** {@link RaftPartitionStateMachine#tickDueAt} as of the last batch of work; until then, every tick. */
    private volatile long tickDueAt = Long.MIN_VALUE;
    /** Whether the replica stood for election (pre-vote or vote) at the end of its last batch of work. */
    private volatile boolean campaigning;
    /** As {@link RaftPartitionStateMachine#followerLag()} at the last drain; kept only when the node has meters. */
    private volatile long followerLag;
    private volatile String leaderQuickEndpoint;
    private volatile ReplicaView view = ReplicaView.NONE;
    private volatile boolean closed;
    /** Set once the partition stopped after an impossible state; its status from then on. */
    private volatile PartitionStatus failedStatus;

    ReplicaHost(RaftPartition partition, PartitionCallbacks callbacks) {
        this.partition = partition;
        this.callbacks = callbacks;
        this.requests = new PendingRequests(partition.context().metrics());
    }

    /** Completes the construction with the parts that are built on the executor, which is built on this host. */
    void wire(ReadyCarrier carrier, CatchUpMarks catchUp, PartitionRecovery recovery) {
        this.carrier = carrier;
        this.catchUp = catchUp;
        this.recovery = recovery;
    }

    // ------------------------------------------------------------------ the executor's hooks

    /** The executor's after-drain hook. */
    @Override
    public void run() {
        afterDrain();
    }

    /** The executor's failure hook. */
    @Override
    public void accept(Throwable cause) {
        recovery.stopOnFailure(cause);
    }

    private void afterDrain() {
        context().metrics().drained();
        publishQuiescence();
        if (machine == null) {
            return;
        }
        carrier.carryOutReady();
        leaderQuick = machine.role() == RaftRole.LEADER;
        tickDueAt = machine.tickDueAt();
        campaigning = machine.role() == RaftRole.PRE_CANDIDATE || machine.role() == RaftRole.CANDIDATE;
        if (context().metrics().enabled()) {
            followerLag = machine.followerLag();
        }
        catchUp.drained(machine);
        publishView();
        boolean nowReadyLeader = machine.isReadyLeader();
        if (nowReadyLeader && !readyLeader) {
            callbacks.leaderReady(id());
        }
        readyLeader = nowReadyLeader;
    }

    /**
     * Tells the node's {@link QuiescedPartitions} when this replica falls asleep or wakes (a replica without a
     * machine, after a WAL failure, is awake: it must be ticked to restore and elect).
     */
    private void publishQuiescence() {
        if (closed) {
            return;
        }
        boolean quiesced = machine != null && machine.quiesced();
        String under = quiesced && machine.role() != RaftRole.LEADER ? machine.leader() : null;
        if (quiesced != publishedQuiesced || !Objects.equals(under, publishedSleepLeader)) {
            context().quiescence().changed(partition, quiesced, publishedSleepLeader, under);
            if (quiesced && !publishedQuiesced) {
                machine.releaseWhileAsleep();
            }
            publishedQuiesced = quiesced;
            publishedSleepLeader = under;
        }
    }

    // ------------------------------------------------------------------ driving the machine (executor only)

    /** Steps the machine with an inbound message; the node's clock first takes in a leader's entries. */
    void step(String from, RaftMessage message) {
        if (machine != null) {
            if (message instanceof RaftMessage.AppendLogs append) {
                takeIn(append.entries());
                leaderCommitSeen = Math.max(leaderCommitSeen, append.leaderCommit());
            }
            machine.step(from, message, now());
        }
    }

    /** The node decided this is the cluster's first start: the replica may vote at once. */
    void firstStart() {
        if (machine != null) {
            catchUp.firstStart(machine);
        }
    }

    /** A restore began with {@code fresh}: the planted bugs carry over, and its first leadership is news. */
    void restoring(RaftPartitionStateMachine fresh) {
        machine = fresh;
        plantedBugs.forEach(machine::plant);
        readyLeader = false;
    }

    /** Switches {@code bug} on, in the machine now and in every machine a restore makes. */
    void plant(PlantedBug bug) {
        if (plantedBugs.isEmpty()) {
            plantedBugs = EnumSet.noneOf(PlantedBug.class);
        }
        plantedBugs.add(bug);
        if (machine != null) {
            machine.plant(bug);
        }
    }

    /** The restore finished: the replica takes part in the cluster. */
    void markRestored() {
        restored = true;
    }

    /**
     * The machine may be ahead of the disk (a WAL failure) or corrupt (an impossible state): drop it, and with it
     * whatever was published of it; work submitted before is ignored from now on (the epoch moves).
     */
    void dropMachine() {
        epoch++;
        machine = null;
        restored = false;
        leaderQuick = false;
        view = ReplicaView.NONE;
    }

    /** The partition stopped after an impossible state: {@code status} answers from now on. */
    void markFailed(PartitionStatus status) {
        failedStatus = status;
        dropMachine();
        leaderQuickEndpoint = null;
    }

    /** The WAL failed too often in a row: the partition stays out until the node restarts. */
    void markUnavailable() {
        unavailable = true;
    }

    /** The partition closed (any thread): nothing more is carried out or published. */
    void close() {
        closed = true;
    }

    /**
     * The node's clock takes in the time of entries this replica appends (from a leader) or restores, so that the
     * tickets it issues if it leads later follow every ticket in its log, whatever its physical clock reads.
     */
    @Override
    public void takeIn(List<LogEntry> entries) {
        HLCTimestamp latest = HLCTimestamp.ZERO;
        for (LogEntry entry : entries) {
            if (entry.time().compareTo(latest) > 0) {
                latest = entry.time();
            }
        }
        if (!latest.isZero()) {
            context().clock().receive(latest);
        }
    }

    // ------------------------------------------------------------------ the partition's fixed parts

    @Override
    public int id() {
        return partition.id();
    }

    @Override
    public PartitionContext context() {
        return partition.context();
    }

    @Override
    public PartitionCallbacks callbacks() {
        return callbacks;
    }

    @Override
    public RaftPartitionExecutor executor() {
        return partition.executor();
    }

    @Override
    public OpenCalls calls() {
        return partition.calls();
    }

    @Override
    public PendingRequests requests() {
        return requests;
    }

    // ------------------------------------------------------------------ what the helpers read and report

    @Override
    public RaftPartitionStateMachine machine() {
        return machine;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    /**
     * The rule that refuses writes after a split or a merge (see {@link RaftPartition#moveRefusal}): made anew for
     * each write only once a test planted a bug, so a replica holds no field for it.
     */
    MoveRefusal moveRefusal() {
        return plantedBugs.isEmpty() ? MoveRefusal.ENFORCED : MoveRefusal.planted(plantedBugs);
    }

    /** Whether a test planted {@code bug} in this partition. Executor only. */
    boolean planted(PlantedBug bug) {
        return plantedBugs.contains(bug);
    }

    @Override
    public DeliveredSoFar delivered() {
        return recovery.delivered();
    }

    @Override
    public void walFailed(Throwable error) {
        recovery.walFailed(error);
    }

    @Override
    public void walWriteSucceeded() {
        recovery.writeSucceeded();
    }

    @Override
    public void handRestored(RaftLog log) {
        recovery.handRestored(log);
    }

    @Override
    public void restoreEnded() {
        recovery.restoreEnded();
    }

    @Override
    public void applicationAt(long index) {
        recovery.applicationAt(index);
    }

    @Override
    public void installed(long index) {
        context().metrics().snapshotReceived();
        callbacks.snapshotInstalled(id(), index);
    }

    @Override
    public void leaderSeen(String leader) {
        leaderQuickEndpoint = leader;
    }

    // ------------------------------------------------------------------ snapshots (any thread)

    @Override
    public boolean closed() {
        return closed;
    }

    @Override
    public PartitionStatus failedStatus() {
        return failedStatus;
    }

    @Override
    public boolean unavailable() {
        return unavailable;
    }

    @Override
    public boolean restored() {
        return restored;
    }

    @Override
    public String leaderHint() {
        return leaderQuickEndpoint;
    }

    @Override
    public void publishView() {
        if (!view.describes(machine, leaderCommitSeen)) {
            view = ReplicaView.of(machine, leaderCommitSeen);
        }
    }

    @Override
    public ReplicaView view() {
        return view;
    }

    /** Whether this node led the partition at the end of its last batch of work. */
    boolean leaderQuick() {
        return leaderQuick;
    }

    /** {@link RaftPartitionStateMachine#tickDueAt} as of the last batch of work. */
    long tickDueAt() {
        return tickDueAt;
    }

    /** Whether the replica stood for election at the end of its last batch of work. */
    boolean campaigning() {
        return campaigning;
    }

    /** The furthest-behind follower's lag at the last drain (metrics only). */
    long followerLag() {
        return followerLag;
    }
}
