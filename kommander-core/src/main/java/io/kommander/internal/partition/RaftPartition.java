package io.kommander.internal.partition;

import io.kommander.PartitionStatus;
import io.kommander.RaftConfiguration;
import io.kommander.RaftClosedException;
import io.kommander.time.HLCTimestamp;
import io.kommander.RaftLog;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.RequestId;
import io.kommander.transport.RaftMessage;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One partition on one node: turns API calls and inbound messages into operations on its
 * {@link RaftPartitionExecutor}, and carries out what its {@link RaftPartitionStateMachine} asks (messages, WAL
 * writes, deliveries, completions). Everything that touches the state machine runs on the executor.
 *
 * <p>Every future it hands out completes, whatever happens: an open call is answered with {@code NodeClosed} when
 * the partition closes, and with {@code PartitionFailed} when it stops after an impossible state (anything the
 * state machine or the host throws on the executor). A stopped partition no longer drives its state machine.
 *
 * <p>Public methods are thread-safe.
 */
public final class RaftPartition {

    private static final Logger LOG = LoggerFactory.getLogger(RaftPartition.class);

    private final int id;
    /** The id boxed once, the key of this partition in the node's maps: each map boxing it anew costs 16 B a replica. */
    private final Integer key;
    /** Whether this replica joins a partition placed on this node while it ran elsewhere. */
    private final boolean joins;
    private final PartitionContext context;
    private final PartitionCallbacks callbacks;
    private final RaftPartitionExecutor executor;
    private final RaftWriteAhead writeAhead;
    private final RestoreRetry retry;
    private final PartitionSnapshots snapshotFiles;
    private final PartitionRestore restore;
    private final CompletableFuture<Void> restoredFuture = new CompletableFuture<>();
    private final OpenCalls calls = new OpenCalls();
    private final CatchUpMarks catchUp;
    private final ReadyCarrier carrier;
    private final PartitionCompaction compaction;
    private final RequestSubmission submission;
    private final PartitionQueries queries;

    // Executor-confined state.
    /** Null from a WAL failure until the next restore begins: the failed machine may be ahead of the disk. */
    private RaftPartitionStateMachine machine;
    private final PendingRequests requests;
    /** Bumped by every WAL failure: completions of work submitted before it are ignored. */
    private int epoch;
    /** What the application received from this partition in this process, kept across restores. */
    private DeliveredSoFar delivered = DeliveredSoFar.NONE;
    /** The last index handed to the application; kept apart from {@link #delivered}, not a record per delivery. */
    private long handed;
    private boolean restoreAnnounced;
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

    /**
     * Creates the partition; {@link #start()} begins its restore.
     *
     * @param id        the partition id
     * @param context   the node's shared services
     * @param callbacks where this partition's events go: the node for a user partition, the system coordinator
     *                  for partition 0
     */
    public RaftPartition(int id, PartitionContext context, PartitionCallbacks callbacks) {
        this(id, context, callbacks, false);
    }

    /**
     * Creates the partition; {@link #start()} begins its restore.
     *
     * @param joins whether this replica joins a partition that runs elsewhere (the map placed it here): its fresh log
     *              does not count it a voter, so it never campaigns before its leader's configuration makes it one
     */
    public RaftPartition(int id, PartitionContext context, PartitionCallbacks callbacks, boolean joins) {
        this.joins = joins;
        this.id = id;
        this.key = id;
        this.context = context;
        this.callbacks = callbacks;
        Host host = new Host();
        // The host stands for both hooks: two method references would cost 32 B a replica.
        this.executor = new RaftPartitionExecutor(this, context.runtime().partitionPool(),
                context.configuration().maxClientQueue(), host, host);
        this.requests = new PendingRequests(context.metrics());
        this.writeAhead = new RaftWriteAhead(id, context.wal(), context.writes(), context.reads(), executor);
        this.catchUp = new CatchUpMarks(id, context.catchUp(), writeAhead);
        // A replica out for an election timeout has lost its leadership anyway: retrying sooner buys nothing.
        this.retry = new RestoreRetry(context.configuration().electionTimeoutMinMillis());
        this.snapshotFiles = new PartitionSnapshots(id, context.snapshots(), executor, writeAhead, host);
        this.restore = new PartitionRestore(writeAhead, snapshotFiles, catchUp, host);
        this.carrier = new ReadyCarrier(id, context, callbacks, writeAhead, retry, snapshotFiles, requests, host);
        this.compaction = new PartitionCompaction(id, writeAhead, snapshotFiles, carrier, host);
        this.submission = new RequestSubmission(context, executor, calls, requests, host);
        this.queries = new PartitionQueries(id, context, executor, calls, host);
    }

    /** The partition id. */
    public int id() {
        return id;
    }

    /** The id as the one boxed instance the node's maps share as their key. */
    public Integer key() {
        return key;
    }

    /**
     * Starts restoring from the WAL; {@link #restoredFuture()} completes when done, or fails if the partition gives
     * up (see {@link RestoreRetry}).
     */
    public void start() {
        context.quiescence().started(this);
        executor.post(RaftPartitionExecutor.Priority.CONTROL, this::beginRestore);
    }

    /** Completes once the partition has restored from the WAL and takes part in the cluster. */
    public CompletableFuture<Void> restoredFuture() {
        return restoredFuture;
    }

    /** Whether the restore finished. */
    public boolean isRestored() {
        return restored;
    }

    /** Whether this node led the partition at the end of its last batch of work (no executor round-trip). */
    public boolean isLeaderQuick() {
        return leaderQuick;
    }

    /**
     * The move and seed entries of this replica's log, or null before the restore. Executor only: read it from a
     * {@link WriteFence}, which runs there.
     */
    public PartitionMoves moves() {
        return machine == null ? null : machine.moves();
    }

    /**
     * Why this replica refuses a write at the moment it would be proposed, or null to take it: the applied map's
     * refusal ({@code byMap}) first, then this replica's own log, which refuses even on a node whose map has not
     * applied the move yet: a merge entry refuses every write from its index on ({@code PartitionMoved} toward the
     * survivor, at the generation it has once the merge finishes), a split entry the writes addressed with a
     * generation before the split's ({@code expectedGeneration} 0: no check). Executor only: read it from a
     * {@link WriteFence}.
     *
     * @param mapMerging whether the applied map shows this partition merging into another; read only when the
     *                   planted bug that lets a merge's adjacent partition take writes is on
     */
    public RaftReplicationResult moveRefusal(long expectedGeneration, RaftReplicationResult byMap,
                                             BooleanSupplier mapMerging) {
        MoveEntry merge = machine == null ? null : machine.moves().mergedInto();
        if (merge != null && plantedBugs.contains(PlantedBug.MERGE_ADJACENT_TAKES_WRITES)
                || plantedBugs.contains(PlantedBug.MERGE_ADJACENT_TAKES_WRITES) && mapMerging.getAsBoolean()) {
            return null;
        }
        if (byMap != null) {
            return byMap;
        }
        if (merge != null) {
            return RaftReplicationResult.moved(
                    new RaftReplicationResult.PartitionOwner(merge.target(), merge.fenceGeneration()));
        }
        boolean splitFenced = machine != null && expectedGeneration != 0
                && expectedGeneration < machine.moves().fenceGeneration()
                && !plantedBugs.contains(PlantedBug.SPLIT_SOURCE_TAKES_OLD_WRITES);
        return splitFenced ? RaftReplicationResult.moved(null) : null;
    }

    /** The replica's state as its executor last left it (no waiting). */
    public ReplicaView view() {
        return view;
    }

    /** Operations queued on the partition's executor (walks its queues: for a gauge, not the hot path). */
    public int queuedOperations() {
        return executor.queued();
    }

    /** As a leader at its last batch of work, its furthest-behind follower's lag in entries (metrics only). */
    public long followerLag() {
        return followerLag;
    }

    /** The leader's endpoint as last known here, or null (no waiting). */
    public String leaderQuick() {
        return leaderQuickEndpoint;
    }

    /** Hands an inbound message to the partition. */
    public void receive(String from, RaftMessage message) {
        RaftPartitionExecutor.Priority priority =
                message instanceof RaftMessage.AppendLogs || message instanceof RaftMessage.AppendLogsResponse
                        || message instanceof RaftMessage.InstallSnapshot
                        || message instanceof RaftMessage.InstallSnapshotResponse
                        ? RaftPartitionExecutor.Priority.REPLICATION
                        : RaftPartitionExecutor.Priority.CONTROL;
        executor.post(priority, () -> {
            if (machine != null) {
                if (message instanceof RaftMessage.AppendLogs append) {
                    takeIn(append.entries());
                    leaderCommitSeen = Math.max(leaderCommitSeen, append.leaderCommit());
                }
                machine.step(from, message, now());
            }
        });
    }

    /**
     * When its last batch of work said a tick could next change anything ({@link RaftPartitionStateMachine#tickDueAt},
     * on the runtime's monotonic clock): a tick before it would be an operation that does nothing.
     */
    public long tickDueAt() {
        return tickDueAt;
    }

    /** Whether the replica was standing for election (pre-vote or vote) at the end of its last batch of work. */
    public boolean campaigning() {
        return campaigning;
    }

    /** Advances the partition's timers. */
    public void tick() {
        executor.post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            if (machine != null) {
                machine.tick(now());
            }
        });
    }

    /**
     * Node-level liveness suspects {@code endpoint}'s node dead: if this replica sleeps under it, it wakes (see
     * {@link RaftPartitionStateMachine#leaderNodeDown}).
     */
    public void leaderNodeDown(String endpoint) {
        executor.post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            if (machine != null) {
                machine.leaderNodeDown(endpoint, now());
            }
        });
    }

    /** {@code endpoint}'s node restarted (see {@link RaftPartitionStateMachine#peerRestarted}). */
    public void peerRestarted(String endpoint) {
        executor.post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            if (machine != null) {
                machine.peerRestarted(endpoint, now());
            }
        });
    }

    /**
     * Compacts the WAL up to the last checkpoint every member holds, if any is new; with snapshots, first takes a
     * snapshot at the applied index if compaction would move (see {@link PartitionSnapshots}).
     */
    public void compact() {
        executor.post(RaftPartitionExecutor.Priority.MAINTENANCE, compaction::compact);
    }

    /** Proposes entries (one per payload) under one ticket, stamped by the node's clock when the call runs. */
    public CompletableFuture<RaftReplicationResult> replicate(EntryKind kind, String logType, List<byte[]> payloads) {
        return replicate(kind, logType, payloads, WriteFence.OPEN);
    }

    /** As {@link #replicate(EntryKind, String, List)}, refused instead when {@code fence} says so at proposal time. */
    public CompletableFuture<RaftReplicationResult> replicate(EntryKind kind, String logType, List<byte[]> payloads,
                                                              WriteFence fence) {
        return submission.replicate(kind, logType, payloads, fence);
    }

    /**
     * Proposes one entry carrying the client's request id: a retry of a request this partition already applied
     * (or holds in its log) answers the original result instead of appending again.
     */
    public CompletableFuture<RaftReplicationResult> replicate(EntryKind kind, String logType, byte[] payload,
                                                              RequestId clientRequest, WriteFence fence) {
        return submission.replicate(kind, logType, payload, clientRequest, fence);
    }

    /**
     * Changes this partition's configuration by one member; completes with the change's index once it commits, or
     * with the reason it was refused (see {@link RaftPartitionStateMachine#changeConfiguration}).
     */
    public CompletableFuture<RaftReplicationResult> changeConfiguration(ConfigurationChange change) {
        return submission.changeConfiguration(change);
    }

    /** Appends the commit or rollback entry of a manual proposal. */
    public CompletableFuture<RaftReplicationResult> settle(HLCTimestamp ticket, boolean commit) {
        return submission.settle(ticket, commit);
    }

    /** Confirms leadership by ReadIndex and waits until applied; completes with the outcome. */
    public CompletableFuture<RaftOperationStatus> confirmLeadership() {
        return submission.confirmLeadership();
    }

    /**
     * Transfers leadership to {@code target}.
     *
     * @param target another member of the partition
     * @throws IllegalArgumentException if {@code target} is null, this node, or not a member
     */
    public CompletableFuture<RaftOperationStatus> transferLeadership(String target) {
        return submission.transferLeadership(target);
    }

    /** Whether this node leads the partition, asked on the executor; false once the partition stopped. */
    public CompletableFuture<Boolean> isLeader() {
        return queries.isLeader();
    }

    /**
     * Asked on the executor: if this replica leads, the members that hold everything committed and answered it
     * within {@code withinMillis} (itself included); null when it does not lead, is closed, or does not know yet
     * (it started leading less than {@code withinMillis} ago).
     */
    public CompletableFuture<Set<String>> currentMembers(long withinMillis) {
        return queries.currentMembers(withinMillis);
    }

    /**
     * Where the partition stands, asked on the executor. Fails with {@link RaftClosedException} once the partition
     * is closed; a partition stopped after an impossible state answers with its {@code FAILED} status.
     */
    public CompletableFuture<PartitionStatus> status() {
        return queries.status();
    }

    /** Runs a read-only query against the state machine on the executor; tests reach it through PartitionSeams. */
    <T> CompletableFuture<T> inspect(java.util.function.Function<RaftPartitionStateMachine, T> query) {
        return queries.inspect(query);
    }

    /**
     * Switches on a known-wrong behaviour in this partition's state machine, now and after every restore; tests
     * reach it through PartitionSeams. Posted to the executor, so it precedes the restore when called before
     * {@link #start()}.
     */
    void plant(PlantedBug bug) {
        executor.post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            if (plantedBugs.isEmpty()) {
                plantedBugs = EnumSet.noneOf(PlantedBug.class);
            }
            plantedBugs.add(bug);
            if (machine != null) {
                machine.plant(bug);
            }
        });
    }

    /**
     * Stops the partition without waiting, so any thread may call it, this partition's executor included: later
     * calls are refused, queued operations are dropped, and every open call completes with {@code NodeClosed}.
     *
     * @return completes once no operation of this partition runs any more (the node may then release the WAL and
     *         transport under it)
     */
    public CompletableFuture<Void> closeAsync() {
        closed = true;
        context.quiescence().closed(this);
        CompletableFuture<Void> stopped = executor.close();
        calls.stop(RaftOperationStatus.NodeClosed);
        restoredFuture.completeExceptionally(new RaftClosedException("node closed"));
        return stopped;
    }

    /**
     * Something threw on the executor: the state machine detected an impossible state (a leader's entry
     * conflicting with a committed one, a gap in the log) or the host broke. Going on could spread a corrupt state,
     * so the partition stops loudly: ERROR log, the owner's {@code partitionFailed}, every open and later call
     * answered with {@code PartitionFailed}, and the state machine is dropped so that nothing drives it again.
     */
    private void stopOnFailure(Throwable cause) {
        if (closed || failedStatus != null) {
            LOG.warn("partition {}: an operation failed after the partition stopped", id, cause);
            return;
        }
        failedStatus = PartitionStatusView.failed(id, machine, cause);
        LOG.error("partition {}: stopped after an impossible state; every call on it fails with PartitionFailed"
                + " until the node restarts", id, cause);
        epoch++;
        machine = null;
        restored = false;
        leaderQuick = false;
        view = ReplicaView.NONE;
        leaderQuickEndpoint = null;
        requests.clear();
        calls.stop(RaftOperationStatus.PartitionFailed);
        restoredFuture.completeExceptionally(new IllegalStateException("partition " + id + " failed", cause));
        callbacks.partitionFailed(id, cause);
    }

    // ------------------------------------------------------------------ restore

    private void beginRestore() {
        var random = context.runtime().random(((long) context.configuration().nodeId() << 32) ^ id
                ^ ((long) epoch << 48) ^ context.configuration().electionSeed());
        // A node joining a running cluster must not count itself a voter of a fresh log: its leader adds it as a
        // learner, and its log's configuration entries say when it votes.
        machine = context.configuration().joinExisting() || joins
                ? RaftPartitionStateMachine.joining(id, context.self(), context.peers(),
                        context.settings(), random)
                : new RaftPartitionStateMachine(id, context.self(), context.peers(),
                        context.settings(), random);
        plantedBugs.forEach(machine::plant);
        machine.nodeLiveness(context.quiescence().liveness());
        if (snapshotFiles.enabled()) {
            RaftConfiguration c = context.configuration();
            machine.snapshots().enable(context.snapshots().throttle(), c.snapshotChunkBytes(),
                    c.snapshotRetentionEntries(), c.snapshotRetentionBytes());
        }
        readyLeader = false;
        if (!restoreAnnounced) {
            // Once per process: a restore after a WAL failure replays nothing, so the application resets nothing.
            restoreAnnounced = true;
            callbacks.restoreStarted(id);
        }
        restore.read(epoch);
    }

    /**
     * A WAL read or write failed: forget the in-memory state, which may be ahead of the disk, fail pending requests
     * with {@code ReplicationFailed}, and restore from the WAL again after {@link RestoreRetry}'s back-off, keeping
     * what the application already received ({@link DeliveredSoFar}). After too many failures in a row, give up:
     * the partition answers {@code PartitionUnavailable} and takes no part in the cluster until the node restarts.
     */
    private void walFailed(Throwable error) {
        epoch++;
        restored = false;
        leaderQuick = false;
        view = ReplicaView.NONE;
        if (machine != null && machine.restored()) {
            delivered = new DeliveredSoFar(delivered().index(), machine.restoredThrough());
        }
        machine = null;
        requests.failAll(RaftOperationStatus.ReplicationFailed);
        long delay = retry.failed();
        callbacks.walFailed(id, error, delay);
        if (delay < 0) {
            LOG.error("partition {}: the WAL failed {} times in a row; the partition stays out of the cluster until "
                    + "the node restarts", id, RestoreRetry.MAX_RETRIES + 1, error);
            unavailable = true;
            restoredFuture.completeExceptionally(error);
            return;
        }
        LOG.error("partition {}: the WAL failed; restoring from it in {} ms", id, delay, error);
        int at = epoch;
        if (delay == 0) {
            beginRestore();
        } else {
            context.runtime().schedule(delay, () -> executor.post(RaftPartitionExecutor.Priority.CONTROL, () -> {
                if (at == epoch) {
                    beginRestore();
                }
            }));
        }
    }

    /** What the application received so far: {@link #delivered} with {@link #handed}'s index. */
    private DeliveredSoFar delivered() {
        return delivered.handed(handed);
    }

    private void handRestored(RaftLog log) {
        callbacks.restored(id, log);
        handed = Math.max(handed, log.index());
    }

    // ------------------------------------------------------------------ carrying out Ready

    private void afterDrain() {
        context.metrics().drained();
        publishQuiescence();
        if (machine == null) {
            return;
        }
        carrier.carryOutReady();
        leaderQuick = machine.role() == RaftRole.LEADER;
        tickDueAt = machine.tickDueAt();
        campaigning = machine.role() == RaftRole.PRE_CANDIDATE || machine.role() == RaftRole.CANDIDATE;
        if (context.metrics().enabled()) {
            followerLag = machine.followerLag();
        }
        catchUp.drained(machine);
        if (!view.describes(machine, leaderCommitSeen)) {
            view = ReplicaView.of(machine, leaderCommitSeen);
        }
        boolean nowReadyLeader = machine.isReadyLeader();
        if (nowReadyLeader && !readyLeader) {
            callbacks.leaderReady(id);
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
            context.quiescence().changed(this, quiesced, publishedSleepLeader, under);
            if (quiesced && !publishedQuiesced) {
                machine.releaseWhileAsleep();
            }
            publishedQuiesced = quiesced;
            publishedSleepLeader = under;
        }
    }

    /**
     * The node decided this is the cluster's first start: the replica may vote at once. Posted, so it follows a
     * restore that began before the decision.
     */
    public void verify() {
        executor.post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            if (machine != null) {
                catchUp.firstStart(machine);
            }
        });
    }

    /**
     * The node's clock takes in the time of entries this replica appends (from a leader) or restores, so that the
     * tickets it issues if it leads later follow every ticket in its log, whatever its physical clock reads.
     */
    private void takeIn(List<LogEntry> entries) {
        HLCTimestamp latest = HLCTimestamp.ZERO;
        for (LogEntry entry : entries) {
            if (entry.time().compareTo(latest) > 0) {
                latest = entry.time();
            }
        }
        if (!latest.isZero()) {
            context.clock().receive(latest);
        }
    }

    /** What this partition's helpers ({@link PartitionSnapshots}, {@link PartitionRestore} and the rest) need of it. */
    /** "partition-" and its id, for logs. */
    @Override
    public String toString() {
        return "partition-" + id;
    }

    private final class Host implements PartitionSnapshots.Host, PartitionRestore.Host, ReadyCarrier.Host,
            PartitionCompaction.Host, RequestSubmission.Host, PartitionQueries.Host, Runnable, Consumer<Throwable> {
        /** The executor's after-drain hook. */
        @Override
        public void run() {
            afterDrain();
        }

        /** The executor's failure hook. */
        @Override
        public void accept(Throwable cause) {
            stopOnFailure(cause);
        }

        @Override
        public RaftPartitionStateMachine machine() {
            return machine;
        }

        @Override
        public int epoch() {
            return epoch;
        }

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
        public void leaderSeen(String leader) {
            leaderQuickEndpoint = leader;
        }

        @Override
        public String leaderHint() {
            return leaderQuickEndpoint;
        }

        @Override
        public ReplicaView view() {
            return view;
        }

        @Override
        public boolean planted(PlantedBug bug) {
            return plantedBugs.contains(bug);
        }

        @Override
        public DeliveredSoFar delivered() {
            return RaftPartition.this.delivered();
        }

        @Override
        public void walFailed(Throwable error) {
            RaftPartition.this.walFailed(error);
        }

        @Override
        public void takeIn(List<LogEntry> entries) {
            RaftPartition.this.takeIn(entries);
        }

        @Override
        public void handRestored(RaftLog log) {
            RaftPartition.this.handRestored(log);
        }

        @Override
        public void restoreEnded() {
            machine.restoreEnd(now());
            restored = true;
            if (!restoredFuture.isDone()) {
                callbacks.restoreFinished(id);
                restoredFuture.complete(null);
            }
        }

        @Override
        public void applicationAt(long index) {
            handed = Math.max(handed, index);
        }

        @Override
        public void installed(long index) {
            context.metrics().snapshotReceived();
            callbacks.snapshotInstalled(id, index);
        }
    }

    /** The state machine's time: monotonic, so a wall-clock step moves no timer (only tickets read the wall). */
    private long now() {
        return context.runtime().monotonicMillis();
    }
}
