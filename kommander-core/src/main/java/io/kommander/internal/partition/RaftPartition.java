package io.kommander.internal.partition;

import io.kommander.PartitionStatus;
import io.kommander.RaftClosedException;
import io.kommander.time.HLCTimestamp;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.RequestId;
import io.kommander.transport.RaftMessage;
import io.kommander.wal.EntryKind;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * One partition on one node: turns API calls and inbound messages into operations on its
 * {@link RaftPartitionExecutor}. Its {@link ReplicaHost} holds the state the executor owns and carries out what
 * the {@link RaftPartitionStateMachine} asks (messages, WAL writes, deliveries, completions); its
 * {@link PartitionRecovery} restores the machine from the WAL and handles failures. Everything that touches the
 * state machine runs on the executor.
 *
 * <p>Every future it hands out completes, whatever happens: an open call is answered with {@code NodeClosed} when
 * the partition closes, and with {@code PartitionFailed} when it stops after an impossible state (anything the
 * state machine or the host throws on the executor). A stopped partition no longer drives its state machine.
 *
 * <p>Public methods are thread-safe.
 */
public final class RaftPartition {

    private final int id;
    /** The id boxed once, the key of this partition in the node's maps: each map boxing it anew costs 16 B a replica. */
    private final Integer key;
    private final PartitionContext context;
    private final RaftPartitionExecutor executor;
    private final ReplicaHost host;
    private final PartitionRecovery recovery;
    private final OpenCalls calls = new OpenCalls();
    private final PartitionCompaction compaction;
    private final RequestSubmission submission;
    private final PartitionQueries queries;

    /**
     * Creates the partition; {@link #start()} begins its restore.
     *
     * @param id        the partition id
     * @param context   the node's shared services
     * @param callbacks where this partition's events go: the node for a user partition, the system coordinator
     *                  for partition 0
     */
    public RaftPartition(int id, PartitionContext context, PartitionCallbacks callbacks) {
        this(id, context, callbacks, false, null);
    }

    /**
     * Creates the partition; {@link #start()} begins its restore.
     *
     * @param joins       whether this replica joins a partition that runs elsewhere (the map placed it here, or it may
     *                    have voted in a replica since deleted): its fresh log does not count it a voter, so it never
     *                    campaigns before its leader's configuration makes it one
     * @param firstVoters the voters of a fresh log's configuration on every replica, for a partition created online
     *                    (the roster's voters when partition 0's log created it); null: this node's configured members
     */
    public RaftPartition(int id, PartitionContext context, PartitionCallbacks callbacks, boolean joins,
                         Set<String> firstVoters) {
        this.id = id;
        this.key = id;
        this.context = context;
        this.host = new ReplicaHost(this, callbacks);
        // The host stands for both hooks: two method references would cost 32 B a replica.
        this.executor = new RaftPartitionExecutor(this, context.runtime().partitionPool(),
                context.configuration().maxClientQueue(), host, host);
        RaftWriteAhead writeAhead = new RaftWriteAhead(id, context.wal(), context.writes(), context.reads(), executor);
        CatchUpMarks catchUp = new CatchUpMarks(id, context.catchUp(), writeAhead);
        PartitionSnapshots snapshotFiles = new PartitionSnapshots(id, context.snapshots(), executor, writeAhead, host);
        PartitionRestore restore = new PartitionRestore(writeAhead, snapshotFiles, catchUp, host);
        ReadyCarrier carrier = new ReadyCarrier(writeAhead, snapshotFiles, host);
        this.recovery = new PartitionRecovery(host, restore, joins, firstVoters);
        host.wire(carrier, catchUp, recovery);
        this.compaction = new PartitionCompaction(writeAhead, snapshotFiles, carrier, host);
        this.submission = new RequestSubmission(host, host::planted);
        this.queries = new PartitionQueries(host);
    }

    /** The partition id. */
    public int id() {
        return id;
    }

    /** The id as the one boxed instance the node's maps share as their key. */
    public Integer key() {
        return key;
    }

    /** The node's services, which the partition's helpers reach through its host. */
    PartitionContext context() {
        return context;
    }

    /** The partition's executor, which its helpers reach through its host. */
    RaftPartitionExecutor executor() {
        return executor;
    }

    /** The callers' open calls, which its helpers reach through its host. */
    OpenCalls calls() {
        return calls;
    }

    /**
     * Starts restoring from the WAL; {@link #restoredFuture()} completes when done, or fails if the partition gives
     * up (see {@link RestoreRetry}).
     */
    public void start() {
        context.quiescence().started(this);
        executor.post(RaftPartitionExecutor.Priority.CONTROL, recovery::beginRestore);
    }

    /** Completes once the partition has restored from the WAL and takes part in the cluster. */
    public CompletableFuture<Void> restoredFuture() {
        return recovery.restoredFuture();
    }

    /** Whether the restore finished. */
    public boolean isRestored() {
        return host.restored();
    }

    /** Whether this node led the partition at the end of its last batch of work (no executor round-trip). */
    public boolean isLeaderQuick() {
        return host.leaderQuick();
    }

    /**
     * The move and seed entries of this replica's log, or null before the restore. Executor only: read it from a
     * {@link WriteFence}, which runs there.
     */
    public PartitionMoves moves() {
        RaftPartitionStateMachine machine = host.machine();
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
     * @param mapMerging whether the applied map shows this partition merging into another; only a planted bug reads
     *                   it (see {@link MoveRefusal})
     */
    public RaftReplicationResult moveRefusal(long expectedGeneration, RaftReplicationResult byMap,
                                             BooleanSupplier mapMerging) {
        return host.moveRefusal().refusal(moves(), expectedGeneration, byMap, mapMerging);
    }

    /** The replica's state as its executor last left it (no waiting). */
    public ReplicaView view() {
        return host.view();
    }

    /** Operations queued on the partition's executor (walks its queues: for a gauge, not the hot path). */
    public int queuedOperations() {
        return executor.queued();
    }

    /** As a leader at its last batch of work, its furthest-behind follower's lag in entries (metrics only). */
    public long followerLag() {
        return host.followerLag();
    }

    /** The leader's endpoint as last known here, or null (no waiting). */
    public String leaderQuick() {
        return host.leaderHint();
    }

    /** Hands an inbound message to the partition. */
    public void receive(String from, RaftMessage message) {
        RaftPartitionExecutor.Priority priority =
                message instanceof RaftMessage.AppendLogs || message instanceof RaftMessage.AppendLogsResponse
                        || message instanceof RaftMessage.InstallSnapshot
                        || message instanceof RaftMessage.InstallSnapshotResponse
                        ? RaftPartitionExecutor.Priority.REPLICATION
                        : RaftPartitionExecutor.Priority.CONTROL;
        executor.post(priority, () -> host.step(from, message));
    }

    /**
     * When its last batch of work said a tick could next change anything ({@link RaftPartitionStateMachine#tickDueAt},
     * on the runtime's monotonic clock): a tick before it would be an operation that does nothing.
     */
    public long tickDueAt() {
        return host.tickDueAt();
    }

    /** Whether the replica was standing for election (pre-vote or vote) at the end of its last batch of work. */
    public boolean campaigning() {
        return host.campaigning();
    }

    /** Advances the partition's timers. */
    public void tick() {
        executor.post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            RaftPartitionStateMachine machine = host.machine();
            if (machine != null) {
                machine.tick(host.now());
            }
        });
    }

    /**
     * Node-level liveness suspects {@code endpoint}'s node dead: if this replica sleeps under it, it wakes (see
     * {@link RaftPartitionStateMachine#leaderNodeDown}).
     */
    public void leaderNodeDown(String endpoint) {
        executor.post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            RaftPartitionStateMachine machine = host.machine();
            if (machine != null) {
                machine.leaderNodeDown(endpoint, host.now());
            }
        });
    }

    /** {@code endpoint}'s node restarted (see {@link RaftPartitionStateMachine#peerRestarted}). */
    public void peerRestarted(String endpoint) {
        executor.post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            RaftPartitionStateMachine machine = host.machine();
            if (machine != null) {
                machine.peerRestarted(endpoint, host.now());
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
     * with the reason it was refused (see {@link ReplicaRequests#changeConfiguration}).
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

    /**
     * Forgets that this replica held a leader's log since it was opened: {@link ReplicaView#confirmed()} is false until
     * a leader's log confirms it again. A node joining again asks it of the replicas it kept, so that only
     * configurations a leader wrote after its join count as holding it. Completes once the view says so
     * (exceptionally if the partition stops first).
     */
    public CompletableFuture<Void> forgetLeaderConfirmation() {
        return queries.forgetLeaderConfirmation();
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
        executor.post(RaftPartitionExecutor.Priority.CONTROL, () -> host.plant(bug));
    }

    /**
     * Stops the partition without waiting, so any thread may call it, this partition's executor included: later
     * calls are refused, queued operations are dropped, and every open call completes with {@code NodeClosed}.
     *
     * @return completes once no operation of this partition runs any more (the node may then release the WAL and
     *         transport under it)
     */
    public CompletableFuture<Void> closeAsync() {
        host.close();
        context.quiescence().closed(this);
        CompletableFuture<Void> stopped = executor.close();
        calls.stop(RaftOperationStatus.NodeClosed);
        recovery.restoredFuture().completeExceptionally(new RaftClosedException("node closed"));
        return stopped;
    }

    /**
     * The node decided this is the cluster's first start: the replica may vote at once. Posted, so it follows a
     * restore that began before the decision.
     */
    public void verify() {
        executor.post(RaftPartitionExecutor.Priority.CONTROL, host::firstStart);
    }

    /** "partition-" and its id, for logs. */
    @Override
    public String toString() {
        return "partition-" + id;
    }
}
