package io.kommander.internal.partition;

import io.kommander.PartitionStatus;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.RequestId;
import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Submits a caller's request (a write, a settlement, a configuration change, a read or a leadership transfer) to its
 * partition's state machine: refused at once when the partition cannot take it, else posted to the executor and
 * registered in {@link PendingRequests} until the machine answers. Every future it hands out is tracked by
 * {@link OpenCalls}, so it completes whatever happens.
 *
 * <p>Thread-safe: requests arrive on callers' threads; what reaches the machine runs on the executor.
 */
final class RequestSubmission implements Supplier<HLCTimestamp> {

    /** What submitting a request needs of its partition. */
    interface Host extends PartitionParts {
        /** The current state machine, or null after a WAL failure until the next restore. Executor only. */
        RaftPartitionStateMachine machine();

        /** Whether the partition is closed. */
        boolean closed();

        /** The partition's status once it stopped after an impossible state, else null. */
        PartitionStatus failedStatus();

        /** Whether the partition gave up on its WAL until the node restarts. */
        boolean unavailable();

        /** Whether the restore finished. */
        boolean restored();

        /** The leader's endpoint as last known here, or null: the hint a refused write carries. */
        String leaderHint();

        /** The replica's state as its executor last left it. */
        ReplicaView view();

        /** Whether a test planted {@code bug} in this partition. Executor only. */
        boolean planted(PlantedBug bug);
    }

    private interface MachineCall {
        void call(RaftPartitionStateMachine machine, long requestId);
    }

    private interface WriteCall {
        void call(RaftPartitionStateMachine machine, long requestId, HLCTimestamp ticket);
    }

    private final Host host;

    RequestSubmission(Host host) {
        this.host = host;
    }

    /**
     * A write's ticket: the node's clock's time when the machine takes it. This object is the one supplier of its
     * writes' tickets, so neither a write nor a replica pays for one of its own.
     */
    @Override
    public HLCTimestamp get() {
        return host.context().clock().now();
    }

    /** Proposes entries (one per payload) under one ticket, refused instead when {@code fence} says so. */
    CompletableFuture<RaftReplicationResult> replicate(EntryKind kind, String logType, List<byte[]> payloads,
                                                       WriteFence fence) {
        return submitWrite(this, fence, (machine, request, ticket) ->
                machine.requests().propose(request, kind, logType, payloads, ticket, host.now()));
    }

    /** Proposes one entry carrying the client's request id, refused instead when {@code fence} says so. */
    CompletableFuture<RaftReplicationResult> replicate(EntryKind kind, String logType, byte[] payload,
                                                       RequestId clientRequest, WriteFence fence) {
        return submitWrite(this, fence, (machine, request, ticket) ->
                machine.requests().propose(request, kind, logType, List.of(payload), ticket, clientRequest, host.now()));
    }

    /** Changes the partition's configuration by one member. */
    CompletableFuture<RaftReplicationResult> changeConfiguration(ConfigurationChange change) {
        return submitWrite(() -> HLCTimestamp.ZERO, WriteFence.OPEN, (machine, request, ticket) ->
                machine.requests().changeConfiguration(request, change, host.now()));
    }

    /** Appends the commit or rollback entry of a manual proposal. */
    CompletableFuture<RaftReplicationResult> settle(HLCTimestamp ticket, boolean commit) {
        return submitWrite(() -> ticket, WriteFence.OPEN, (machine, request, t) ->
                machine.requests().settle(request, t, commit, host.now()));
    }

    /** Confirms leadership by ReadIndex and waits until applied. */
    CompletableFuture<RaftOperationStatus> confirmLeadership() {
        return submitStatus((machine, request) -> machine.requests().readIndex(request, host.now()));
    }

    /**
     * Transfers leadership to {@code target}.
     *
     * @throws IllegalArgumentException if {@code target} is null, this node, or not a member
     */
    CompletableFuture<RaftOperationStatus> transferLeadership(String target) {
        if (target == null) {
            throw new IllegalArgumentException("the transfer target must not be null");
        }
        if (target.equals(host.context().self())) {
            throw new IllegalArgumentException("the transfer target " + target + " is this node itself: leadership"
                    + " can only move to another member");
        }
        // A configured member, or one that joined since: whether it may lead now is the state machine's answer.
        Configuration members = host.view().configuration();
        if (!host.context().peers().contains(target) && (members == null || !members.contains(target))) {
            throw new IllegalArgumentException("the transfer target " + target + " is not a member; members: "
                    + (members != null ? members : host.context().peers()));
        }
        return submitStatus((machine, request) -> machine.requests().transferLeadership(request, target, host.now()));
    }

    private CompletableFuture<RaftReplicationResult> submitWrite(Supplier<HLCTimestamp> stamp, WriteFence fence,
                                                                 WriteCall call) {
        PartitionCall<RaftReplicationResult> future = host.calls().open(
                (open, stopped) -> open.complete(RaftReplicationResult.failure(stopped, null)));
        RaftOperationStatus early = earlyRefusal();
        if (early != null) {
            refuse(future, early, host.leaderHint());
            return future;
        }
        long started = host.context().metrics().startTime();
        boolean queued = host.executor().post(RaftPartitionExecutor.Priority.CLIENT, () -> {
            RaftOperationStatus unready = unreadyStatus();
            if (unready != null) {
                refuse(future, unready, null);
                return;
            }
            RaftReplicationResult refused = fence.refusal();
            if (refused != null && !(refused.status() == RaftOperationStatus.PartitionDraining
                    && host.planted(PlantedBug.DRAINING_TAKES_WRITES))) {
                future.complete(refused);
                return;
            }
            HLCTimestamp ticket = stamp.get();
            call.call(host.machine(), host.requests().addWrite(future, ticket, started), ticket);
        });
        if (!queued) {
            refuse(future, host.closed() ? RaftOperationStatus.NodeClosed : RaftOperationStatus.ProposalQueueFull,
                    host.leaderHint());
        }
        return future;
    }

    /** Answers a write the state machine never saw, counting it with the node's proposals. */
    private void refuse(CompletableFuture<RaftReplicationResult> future, RaftOperationStatus status, String hint) {
        host.context().metrics().writeAnswered(status, 0);
        future.complete(RaftReplicationResult.failure(status, hint));
    }

    private CompletableFuture<RaftOperationStatus> submitStatus(MachineCall call) {
        PartitionCall<RaftOperationStatus> future = host.calls().open(PartitionCall::complete);
        RaftOperationStatus early = earlyRefusal();
        if (early != null) {
            future.complete(early);
            return future;
        }
        boolean queued = host.executor().post(RaftPartitionExecutor.Priority.CLIENT, () -> {
            RaftOperationStatus unready = unreadyStatus();
            if (unready != null) {
                future.complete(unready);
                return;
            }
            call.call(host.machine(), host.requests().addStatus(future));
        });
        if (!queued) {
            future.complete(host.closed() ? RaftOperationStatus.NodeClosed : RaftOperationStatus.ProposalQueueFull);
        }
        return future;
    }

    /** On the caller's thread: why the partition refuses a request before queueing it, or null if it takes it. */
    private RaftOperationStatus earlyRefusal() {
        if (host.closed()) {
            return RaftOperationStatus.NodeClosed;
        }
        if (host.failedStatus() != null) {
            return RaftOperationStatus.PartitionFailed;
        }
        if (host.unavailable()) {
            return RaftOperationStatus.PartitionUnavailable;
        }
        if (!host.restored()) {
            return RaftOperationStatus.RestoreInProgress;
        }
        return null;
    }

    /** On the executor: why the machine cannot take a request now, or null if it can. */
    private RaftOperationStatus unreadyStatus() {
        if (host.unavailable()) {
            return RaftOperationStatus.PartitionUnavailable;
        }
        RaftPartitionStateMachine machine = host.machine();
        return machine == null || !machine.restored() ? RaftOperationStatus.RestoreInProgress : null;
    }
}
