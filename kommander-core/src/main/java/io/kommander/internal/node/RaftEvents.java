package io.kommander.internal.node;

import io.kommander.LeaderChangedListener;
import io.kommander.LogRestoredListener;
import io.kommander.Membership;
import io.kommander.MembershipListener;
import io.kommander.PartitionMap;
import io.kommander.PartitionMapListener;
import io.kommander.PartitionFailedListener;
import io.kommander.PartitionUnavailableListener;
import io.kommander.PartitionListener;
import io.kommander.RaftLog;
import io.kommander.ReplicationErrorListener;
import io.kommander.ReplicationListener;
import io.kommander.SnapshotInstalledListener;
import io.kommander.Subscription;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The node's subscriber lists and the one place that calls them, isolating the node from listener failures.
 * Thread-safe.
 */
final class RaftEvents {

    private static final Logger LOG = LoggerFactory.getLogger(RaftEvents.class);

    final List<ReplicationListener> replication = new CopyOnWriteArrayList<>();
    final List<ReplicationErrorListener> replicationErrors = new CopyOnWriteArrayList<>();
    final List<LeaderChangedListener> leaderChanged = new CopyOnWriteArrayList<>();
    final List<PartitionListener> restoreStarted = new CopyOnWriteArrayList<>();
    final List<LogRestoredListener> logRestored = new CopyOnWriteArrayList<>();
    final List<PartitionListener> restoreFinished = new CopyOnWriteArrayList<>();
    final List<PartitionFailedListener> partitionFailed = new CopyOnWriteArrayList<>();
    final List<PartitionUnavailableListener> partitionUnavailable = new CopyOnWriteArrayList<>();
    final List<SnapshotInstalledListener> snapshotInstalled = new CopyOnWriteArrayList<>();
    final List<MembershipListener> membershipChanged = new CopyOnWriteArrayList<>();
    final List<PartitionMapListener> partitionMapChanged = new CopyOnWriteArrayList<>();

    static <T> Subscription subscribe(List<T> list, T listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        list.add(listener);
        return () -> list.remove(listener);
    }

    void deliver(int partition, RaftLog log) {
        for (ReplicationListener listener : replication) {
            Throwable error = null;
            boolean handled;
            try {
                handled = listener.onReplication(partition, log);
            } catch (RuntimeException e) {
                handled = false;
                error = e;
            }
            if (!handled) {
                Throwable cause = error;
                each(replicationErrors, l -> l.onReplicationError(partition, log, cause));
            }
        }
    }

    void leaderChanged(int partition, String leader) {
        each(leaderChanged, l -> l.onLeaderChanged(partition, leader));
    }

    void restoreStarted(int partition) {
        each(restoreStarted, l -> l.onEvent(partition));
    }

    void logRestored(int partition, RaftLog log) {
        each(logRestored, l -> l.onLogRestored(partition, log));
    }

    void restoreFinished(int partition) {
        each(restoreFinished, l -> l.onEvent(partition));
    }

    void partitionFailed(int partition, Throwable cause) {
        each(partitionFailed, l -> l.onPartitionFailed(partition, cause));
    }

    void partitionUnavailable(int partition, Throwable error, long retryInMillis) {
        each(partitionUnavailable, l -> l.onPartitionUnavailable(partition, error, retryInMillis));
    }

    void snapshotInstalled(int partition, long index) {
        each(snapshotInstalled, l -> l.onSnapshotInstalled(partition, index));
    }

    void membershipChanged(Membership membership) {
        each(membershipChanged, l -> l.onMembershipChanged(membership));
    }

    void partitionMapChanged(PartitionMap map) {
        each(partitionMapChanged, l -> l.onPartitionMapChanged(map));
    }

    private static <T> void each(List<T> listeners, Consumer<T> call) {
        for (T listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                LOG.error("event listener failed", e);
            }
        }
    }
}
