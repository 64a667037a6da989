package io.kommander.internal.partition;

import io.kommander.RaftLog;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.time.HLCTimestamp;
import io.kommander.transport.RaftMessage;
import io.kommander.wal.PartitionWrite;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything the state machine asks its host to do after a batch of inputs (as etcd's {@code Ready}): messages
 * to send now, one write to persist with the messages that may leave only once it is durable, entries to
 * deliver, results to complete, WAL reads to run. The host performs it in that order.
 */
final class Ready {

    /** A message for one peer. */
    record Outbound(String to, RaftMessage message) {
    }

    /** The result of a write operation identified by the host's request id. */
    record Completion(long requestId, RaftReplicationResult result) {
    }

    /** The outcome of a leadership confirmation (ReadIndex) or transfer. */
    record StatusCompletion(long requestId, RaftOperationStatus status) {
    }

    /** A WAL read of entries {@code from..to} that a lagging follower needs. */
    record CatchUpRead(String peer, long term, long from, long to) {
    }

    /**
     * A write to make durable, then the messages to send, then {@code persisted(seq, ...)} to feed back.
     *
     * @param seq            the write's sequence number in this partition
     * @param write          what to persist (may be empty: then it only orders {@code after} behind earlier writes)
     * @param after          messages that must not leave before the write and every earlier one are durable
     * @param lastIndexAfter the log's last index once the write is applied
     */
    record PersistStep(long seq, PartitionWrite write, List<Outbound> after, long lastIndexAfter) {
    }

    /**
     * The empty answer of {@code takeReady}, shared by every replica: the host only tests it with {@link #isEmpty()}
     * and nothing ever adds to it, so an empty drain allocates nothing.
     */
    static final Ready NONE = new Ready();

    final List<Outbound> messages = new ArrayList<>();
    /** Committed entries this replica may have delivered before a restart: for onLogRestored, before deliveries. */
    final List<RaftLog> restoredDeliveries = new ArrayList<>();
    final List<RaftLog> deliveries = new ArrayList<>();
    final List<Completion> completions = new ArrayList<>();
    final List<StatusCompletion> statusCompletions = new ArrayList<>();
    final List<CatchUpRead> catchUpReads = new ArrayList<>();
    PersistStep persist;
    boolean leaderChanged;
    /** A complete snapshot from the leader for the application to install, or null. */
    SnapshotControl.Install snapshotInstall;
    /** Read the latest snapshot back from the WAL: a follower is to be sent it ({@link Snapshots#loaded}). */
    boolean snapshotRead;
    /** For the node's meters: elections stood in, an election won, snapshots a follower installed from here. */
    int electionsStarted;
    boolean electionWon;
    int snapshotsSent;

    /**
     * Fails write {@code requestId} with {@code status}, naming {@code leaderHint} (may be null) to retry at and the
     * {@code ticket} it was stamped with or settles, so that a caller can still settle a proposal whose outcome is
     * unknown.
     */
    void failWrite(long requestId, RaftOperationStatus status, String leaderHint, HLCTimestamp ticket) {
        completions.add(new Completion(requestId, RaftReplicationResult.failure(status, leaderHint, ticket)));
    }

    /** Completes a leadership confirmation (ReadIndex) or transfer request with {@code status}. */
    void completeStatus(long requestId, RaftOperationStatus status) {
        statusCompletions.add(new StatusCompletion(requestId, status));
    }

    /** Whether there is nothing to do. */
    boolean isEmpty() {
        return messages.isEmpty() && restoredDeliveries.isEmpty() && deliveries.isEmpty() && completions.isEmpty()
                && statusCompletions.isEmpty() && catchUpReads.isEmpty() && persist == null && !leaderChanged
                && snapshotInstall == null && !snapshotRead && electionsStarted == 0 && !electionWon && snapshotsSent == 0;
    }
}
