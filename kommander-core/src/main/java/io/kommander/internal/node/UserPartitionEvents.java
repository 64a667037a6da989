package io.kommander.internal.node;

import io.kommander.RaftLog;
import io.kommander.internal.partition.PartitionCallbacks;

/**
 * The owner of the user partitions' events: the application's listeners, the leader waiters, and the library's
 * own entries of user partitions (splits, merges and seeds, handed to {@link NodeMoves} instead of the application).
 *
 * <p>Thread-safe as its parts are: each partition calls it from its own executor.
 */
final class UserPartitionEvents implements PartitionCallbacks {

    private final RaftEvents events;
    private final LeaderWaiters leaderWaiters;
    private final NodeMoves splits;

    UserPartitionEvents(RaftEvents events, LeaderWaiters leaderWaiters, NodeMoves splits) {
        this.events = events;
        this.leaderWaiters = leaderWaiters;
        this.splits = splits;
    }

    @Override
    public void delivered(int partition, RaftLog log) {
        if (NodeMoves.isOwn(log)) {
            splits.applied(partition, log);
        } else {
            events.deliver(partition, log);
        }
    }

    @Override
    public void restored(int partition, RaftLog log) {
        if (NodeMoves.isOwn(log)) {
            splits.applied(partition, log);
        } else {
            events.logRestored(partition, log);
        }
    }

    @Override
    public void leaderReady(int partition) {
        splits.leaderReady(partition);
    }

    @Override
    public void leaderChanged(int partition, String leader) {
        if (leader != null) {
            leaderWaiters.leaderKnown(partition, leader);
        }
        events.leaderChanged(partition, leader);
    }

    @Override
    public void partitionFailed(int partition, Throwable cause) {
        leaderWaiters.fail(partition, new IllegalStateException("partition " + partition + " failed", cause));
        events.partitionFailed(partition, cause);
    }

    @Override
    public void restoreStarted(int partition) {
        splits.startedOver(partition);
        events.restoreStarted(partition);
    }

    @Override
    public void restoreFinished(int partition) {
        events.restoreFinished(partition);
    }

    @Override
    public void walFailed(int partition, Throwable error, long retryInMillis) {
        events.partitionUnavailable(partition, error, retryInMillis);
    }

    @Override
    public void snapshotInstalled(int partition, long index) {
        splits.startedOver(partition);
        events.snapshotInstalled(partition, index);
    }
}
