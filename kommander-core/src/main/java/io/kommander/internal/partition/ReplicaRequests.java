package io.kommander.internal.partition;

import io.kommander.RaftOperationStatus;
import io.kommander.RequestId;
import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;

import java.util.List;
import java.util.Set;

/**
 * A caller's requests to one replica's state machine: writes, settlements of manual proposals, configuration changes,
 * linearizable reads, leadership transfers and the leader's view of its current members. Each one wakes a quiesced
 * leader; a replica that has not restored or does not lead refuses it at once (naming the leader if it knows one).
 *
 * <p>Holds nothing but the machine, whose parts it reaches through it: the machine makes one per request.
 *
 * <p>Not thread-safe: owned by the partition's executor, like its {@link RaftPartitionStateMachine}.
 */
final class ReplicaRequests {

    private final RaftPartitionStateMachine machine;

    ReplicaRequests(RaftPartitionStateMachine machine) {
        this.machine = machine;
    }

    /** Appends a client write: one entry per payload, one ticket, completing when the last entry commits. */
    void propose(long requestId, EntryKind kind, String logType, List<byte[]> payloads, HLCTimestamp ticket,
                        long nowMillis) {
        propose(requestId, kind, logType, payloads, ticket, null, nowMillis);
    }

    /**
     * Appends a client write carrying the client's request id (null for none; with one, a single payload): a
     * request already applied answers its original result, one already in the log waits for that entry.
     */
    void propose(long requestId, EntryKind kind, String logType, List<byte[]> payloads, HLCTimestamp ticket,
                        RequestId clientRequest, long nowMillis) {
        machine.wakeLeader(nowMillis);
        if (acceptsWrite(requestId, ticket)) {
            machine.leadership().propose(requestId, kind, logType, payloads, ticket, clientRequest, nowMillis,
                    machine.ready());
        }
    }

    /** Appends the commit (or rollback) entry of a manual proposal identified by its ticket. */
    void settle(long requestId, HLCTimestamp ticket, boolean commit, long nowMillis) {
        machine.wakeLeader(nowMillis);
        if (acceptsWrite(requestId, ticket)) {
            machine.leadership().settle(requestId, ticket, commit, nowMillis, machine.ready());
        }
    }

    /**
     * Changes the partition's configuration by one member (see {@link Leadership#changeConfiguration}); completes
     * when the change commits, or fails with the reason it was refused.
     */
    void changeConfiguration(long requestId, ConfigurationChange change, long nowMillis) {
        machine.wakeLeader(nowMillis);
        if (acceptsWrite(requestId, HLCTimestamp.ZERO)) {
            machine.leadership().changeConfiguration(requestId, change, nowMillis, machine.ready());
        }
    }

    /** Whether this replica may take a write now; if not, fails the request (naming the leader if known). */
    private boolean acceptsWrite(long requestId, HLCTimestamp ticket) {
        if (!machine.restored()) {
            machine.ready().failWrite(requestId, RaftOperationStatus.RestoreInProgress, null, ticket);
            return false;
        }
        if (machine.role() != RaftRole.LEADER) {
            machine.ready().failWrite(requestId, RaftOperationStatus.NodeIsNotLeader, machine.leader(), ticket);
            return false;
        }
        return true;
    }

    /** Asks to confirm leadership for a linearizable read (ReadIndex), at the time of the machine's last input. */
    void readIndex(long requestId) {
        readIndex(requestId, machine.now());
    }

    /**
     * Asks to confirm leadership for a linearizable read (ReadIndex). A quiesced leader wakes and confirms by a
     * heartbeat round like any other: sleeping renews nothing.
     */
    void readIndex(long requestId, long nowMillis) {
        machine.wakeLeader(nowMillis);
        if (machine.role() != RaftRole.LEADER) {
            machine.ready().completeStatus(requestId, RaftOperationStatus.NodeIsNotLeader);
            return;
        }
        machine.leadership().readIndex(requestId, machine.ready());
    }

    /** Hands leadership to {@code target}: stops taking writes, catches it up, then tells it to campaign. */
    void transferLeadership(long requestId, String target, long nowMillis) {
        machine.wakeLeader(nowMillis);
        if (machine.role() != RaftRole.LEADER) {
            machine.ready().completeStatus(requestId, RaftOperationStatus.NodeIsNotLeader);
            return;
        }
        machine.leadership().transferTo(target, requestId, nowMillis, machine.ready());
    }

    /**
     * On the leader, the members that hold everything committed and answered within {@code withinMillis} (itself
     * included); null on any other replica, and null (not known yet) on a quiesced leader, which this wakes: its
     * followers' last answers are from before it slept, and its wake-up heartbeat round refreshes them.
     */
    Set<String> currentMembers(long nowMillis, long withinMillis) {
        if (machine.role() != RaftRole.LEADER) {
            return null;
        }
        if (machine.quiesced()) {
            machine.wakeLeader(nowMillis);
            return null;
        }
        return machine.leadership().currentMembers(nowMillis, withinMillis);
    }
}
