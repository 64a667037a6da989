package io.kommander.internal.partition;

import io.kommander.RaftConfiguration;
import io.kommander.RaftLog;
import io.kommander.RaftOperationStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A partition's life between its WAL and its failures: it builds a fresh state machine and restores it from the WAL
 * (at start and after each WAL failure, with {@link RestoreRetry}'s back-off, keeping what the application already
 * received), gives up after too many WAL failures in a row, and stops the partition for good after an impossible
 * state. It owns the restore's future and what the application received so far.
 *
 * <p>Not thread-safe: runs on the partition's executor, except {@link #restoredFuture()}.
 */
final class PartitionRecovery {

    // The partition's log category: what operators filter a partition's troubles by.
    private static final Logger LOG = LoggerFactory.getLogger(RaftPartition.class);

    private final ReplicaHost host;
    private final PartitionRestore restore;
    /** Whether this replica joins a partition placed on this node while it ran elsewhere. */
    private final boolean joins;
    /** A created partition's first voters, alike on every replica; null: this node's configured members. */
    private final Set<String> firstVoters;
    private final CompletableFuture<Void> restoredFuture = new CompletableFuture<>();

    // Executor-confined.
    private boolean restoreAnnounced;
    /** The current row of WAL failures; null while the WAL works, so a healthy replica holds none. */
    private RestoreRetry retry;
    /** What the application received from this partition in this process, kept across restores. */
    private DeliveredSoFar delivered = DeliveredSoFar.NONE;
    /** The last index handed to the application; kept apart from {@link #delivered}, not a record per delivery. */
    private long handed;

    /**
     * @param host        the partition's host, through which this reaches the partition's parts and state
     * @param restore     reads the WAL back into a fresh state machine
     * @param joins       whether this replica joins a partition that runs elsewhere
     * @param firstVoters a created partition's first voters; null: this node's configured members
     */
    PartitionRecovery(ReplicaHost host, PartitionRestore restore, boolean joins, Set<String> firstVoters) {
        this.host = host;
        this.restore = restore;
        this.joins = joins;
        this.firstVoters = firstVoters;
    }

    /**
     * Whether the fresh log's configuration leaves this replica out (it joins a partition that runs elsewhere): a
     * created partition's replica outside its first voters, or placed away since; any other replica placed here, or
     * of a node that joins a running cluster.
     */
    private boolean joinsAsLearner() {
        return firstVoters != null ? joins : host.context().configuration().joinExisting() || joins;
    }

    /** Completes once the partition restored from the WAL; fails when it gives up, stops or closes first. */
    CompletableFuture<Void> restoredFuture() {
        return restoredFuture;
    }

    /** Builds a fresh state machine and reads the WAL back into it. */
    void beginRestore() {
        int id = host.id();
        PartitionContext context = host.context();
        int epoch = host.epoch();
        var random = context.runtime().random(((long) context.configuration().nodeId() << 32) ^ id
                ^ ((long) epoch << 48) ^ context.configuration().electionSeed());
        // A node joining a running cluster must not count itself a voter of a fresh log: its leader adds it as a
        // learner, and its log's configuration entries say when it votes.
        // A partition created online starts from its first voters, the same on every node, whoever joined the cluster
        // when: only whether this replica may have voted before decides whether it joins.
        RaftPartitionStateMachine machine = firstVoters != null
                ? RaftPartitionStateMachine.created(id, context.self(), firstVoters, joins, context.settings(), random)
                : joinsAsLearner()
                ? RaftPartitionStateMachine.joining(id, context.self(), context.peers(),
                        context.settings(), random)
                : new RaftPartitionStateMachine(id, context.self(), context.peers(),
                        context.settings(), random);
        host.restoring(machine);
        machine.nodeLiveness(context.quiescence().liveness());
        if (restore.snapshotsEnabled()) {
            RaftConfiguration c = context.configuration();
            machine.snapshots().enable(context.snapshots().throttle(), c.snapshotChunkBytes(),
                    c.snapshotRetentionEntries(), c.snapshotRetentionBytes());
        }
        if (!restoreAnnounced) {
            // Once per process: a restore after a WAL failure replays nothing, so the application resets nothing.
            restoreAnnounced = true;
            host.callbacks().restoreStarted(id);
        }
        restore.read(epoch);
    }

    /** Every entry is back: the machine takes part in the cluster, and the first restore's future completes. */
    void restoreEnded() {
        RaftPartitionStateMachine machine = host.machine();
        if (joinsAsLearner() && machine.lastIndex() == 0 && machine.term() == 0) {
            machine.verification().startUnverifiedEmpty();
        }
        machine.restoreEnd(host.now());
        host.markRestored();
        if (!restoredFuture.isDone()) {
            host.callbacks().restoreFinished(host.id());
            restoredFuture.complete(null);
        }
    }

    /**
     * A WAL read or write failed: forget the in-memory state, which may be ahead of the disk, fail pending requests
     * with {@code ReplicationFailed}, and restore from the WAL again after {@link RestoreRetry}'s back-off, keeping
     * what the application already received ({@link DeliveredSoFar}). After too many failures in a row, give up:
     * the partition answers {@code PartitionUnavailable} and takes no part in the cluster until the node restarts.
     */
    void walFailed(Throwable error) {
        RaftPartitionStateMachine machine = host.machine();
        if (machine != null && machine.restored()) {
            delivered = new DeliveredSoFar(delivered().index(), machine.restoredThrough());
        }
        host.dropMachine();
        host.requests().failAll(RaftOperationStatus.ReplicationFailed);
        if (retry == null) {
            // A replica out for an election timeout has lost its leadership anyway: retrying sooner buys nothing.
            retry = new RestoreRetry(host.context().configuration().electionTimeoutMinMillis());
        }
        long delay = retry.failed();
        int id = host.id();
        host.callbacks().walFailed(id, error, delay);
        if (delay < 0) {
            LOG.error("partition {}: the WAL failed {} times in a row; the partition stays out of the cluster until "
                    + "the node restarts", id, RestoreRetry.MAX_RETRIES + 1, error);
            host.markUnavailable();
            restoredFuture.completeExceptionally(error);
            return;
        }
        LOG.error("partition {}: the WAL failed; restoring from it in {} ms", id, delay, error);
        int at = host.epoch();
        if (delay == 0) {
            beginRestore();
        } else {
            host.context().runtime().schedule(delay, () -> host.executor().post(
                    RaftPartitionExecutor.Priority.CONTROL, () -> {
                        if (at == host.epoch()) {
                            beginRestore();
                        }
                    }));
        }
    }

    /**
     * Something threw on the executor: the state machine detected an impossible state (a leader's entry
     * conflicting with a committed one, a gap in the log) or the host broke. Going on could spread a corrupt state,
     * so the partition stops loudly: ERROR log, the owner's {@code partitionFailed}, every open and later call
     * answered with {@code PartitionFailed}, and the state machine is dropped so that nothing drives it again.
     */
    void stopOnFailure(Throwable cause) {
        int id = host.id();
        if (host.closed() || host.failedStatus() != null) {
            LOG.warn("partition {}: an operation failed after the partition stopped", id, cause);
            return;
        }
        host.markFailed(PartitionStatusView.failed(id, host.machine(), cause));
        LOG.error("partition {}: stopped after an impossible state; every call on it fails with PartitionFailed"
                + " until the node restarts", id, cause);
        host.requests().clear();
        host.calls().stop(RaftOperationStatus.PartitionFailed);
        restoredFuture.completeExceptionally(new IllegalStateException("partition " + id + " failed", cause));
        host.callbacks().partitionFailed(id, cause);
    }

    /** What the application received so far: {@link #delivered} with {@link #handed}'s index. */
    DeliveredSoFar delivered() {
        return delivered.handed(handed);
    }

    /** A write became durable: the WAL works, so the next failure starts a new row. */
    void writeSucceeded() {
        retry = null;
    }

    /** Hands a restored entry to the application. */
    void handRestored(RaftLog log) {
        host.callbacks().restored(host.id(), log);
        handed = Math.max(handed, log.index());
    }

    /** The application holds the partition's state up to {@code index}. */
    void applicationAt(long index) {
        handed = Math.max(handed, index);
    }
}
