package io.kommander.internal.partition;

import io.kommander.PartitionStatus;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.RequestId;
import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Submits a caller's request (a write, a settlement, a configuration change, a read or a leadership transfer) to its
 * partition's state machine: refused at once when the partition cannot take it, else posted to the executor and
 * registered in {@link PendingRequests} until the machine answers. Every future it hands out is tracked by
 * {@link OpenCalls}, so it completes whatever happens.
 *
 * <p>Thread-safe: requests arrive on callers' threads; what reaches the machine runs on the executor.
 */
final class RequestSubmission {

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
    }

    private interface MachineCall {
        void call(RaftPartitionStateMachine machine, long requestId);
    }

    /** Answers a write with the partition's final status should the partition stop first. */
    private static final BiConsumer<PartitionCall<RaftReplicationResult>, RaftOperationStatus> WRITE_REFUSAL =
            (open, stopped) -> open.complete(RaftReplicationResult.failure(stopped, null));

    private final Host host;
    /** Whether a test planted a bug in this partition (executor only): kept off {@link Host}, whose methods are public. */
    private final Predicate<PlantedBug> planted;

    RequestSubmission(Host host, Predicate<PlantedBug> planted) {
        this.host = host;
        this.planted = planted;
    }

    /** Proposes entries (one per payload) under one ticket, refused instead when {@code fence} says so. */
    CompletableFuture<RaftReplicationResult> replicate(EntryKind kind, String logType, List<byte[]> payloads,
                                                       WriteFence fence) {
        return submitWrite(new Proposal(kind, logType, payloads, null, fence));
    }

    /** Proposes one entry carrying the client's request id, refused instead when {@code fence} says so. */
    CompletableFuture<RaftReplicationResult> replicate(EntryKind kind, String logType, byte[] payload,
                                                       RequestId clientRequest, WriteFence fence) {
        return submitWrite(new Proposal(kind, logType, List.of(payload), clientRequest, fence));
    }

    /** Changes the partition's configuration by one member. */
    CompletableFuture<RaftReplicationResult> changeConfiguration(ConfigurationChange change) {
        return submitWrite(new Write(WriteFence.OPEN) {
            @Override
            void call(RaftPartitionStateMachine machine, long request, HLCTimestamp ticket) {
                machine.requests().changeConfiguration(request, change, host.now());
            }
        });
    }

    /** Appends the commit or rollback entry of a manual proposal. */
    CompletableFuture<RaftReplicationResult> settle(HLCTimestamp ticket, boolean commit) {
        return submitWrite(new Write(WriteFence.OPEN) {
            @Override
            HLCTimestamp ticket() {
                return ticket;
            }

            @Override
            void call(RaftPartitionStateMachine machine, long request, HLCTimestamp settled) {
                machine.requests().settle(request, settled, commit, host.now());
            }
        });
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

    private CompletableFuture<RaftReplicationResult> submitWrite(Write write) {
        PartitionCall<RaftReplicationResult> future = write.future;
        RaftOperationStatus early = earlyRefusal();
        if (early != null) {
            refuse(future, early, host.leaderHint());
            return future;
        }
        write.started = host.context().metrics().startTime();
        if (!host.executor().post(RaftPartitionExecutor.Priority.CLIENT, write)) {
            refuse(future, host.closed() ? RaftOperationStatus.NodeClosed : RaftOperationStatus.ProposalQueueFull,
                    host.leaderHint());
        }
        return future;
    }

    /**
     * A write on its way to the machine, and the executor's task that hands it over: one object per write (a
     * posted lambda and the lambda of what it proposes cost two).
     */
    private abstract class Write implements Runnable {
        /** Opened with the write: tracked by {@link OpenCalls} until answered. */
        final PartitionCall<RaftReplicationResult> future = host.calls().open(WRITE_REFUSAL);
        private final WriteFence fence;
        /** When the write was submitted, for the metrics; set before it is posted. */
        long started;

        Write(WriteFence fence) {
            this.fence = fence;
        }

        /** The write's ticket, read on the executor when the machine takes it; none by default. */
        HLCTimestamp ticket() {
            return HLCTimestamp.ZERO;
        }

        /** Hands the write to the machine as request {@code request}, under {@link #ticket()}'s answer. */
        abstract void call(RaftPartitionStateMachine machine, long request, HLCTimestamp ticket);

        /** On the executor: refused if the machine is not ready or the fence says so, else proposed. */
        @Override
        public final void run() {
            RaftOperationStatus unready = unreadyStatus();
            if (unready != null) {
                refuse(future, unready, null);
                return;
            }
            RaftReplicationResult refused = fence.refusal();
            if (refused != null && !(refused.status() == RaftOperationStatus.PartitionDraining
                    && planted.test(PlantedBug.DRAINING_TAKES_WRITES))) {
                future.complete(refused);
                return;
            }
            HLCTimestamp ticket = ticket();
            call(host.machine(), host.requests().addWrite(future, ticket, started), ticket);
        }
    }

    /** A client's write: entries under one ticket, the node's clock's time when the machine takes it. */
    private final class Proposal extends Write {
        private final EntryKind kind;
        private final String logType;
        private final List<byte[]> payloads;
        private final RequestId clientRequest;

        /** @param clientRequest the client's request id, or null for a write without one */
        Proposal(EntryKind kind, String logType, List<byte[]> payloads, RequestId clientRequest, WriteFence fence) {
            super(fence);
            this.kind = kind;
            this.logType = logType;
            this.payloads = payloads;
            this.clientRequest = clientRequest;
        }

        @Override
        HLCTimestamp ticket() {
            return host.context().clock().now();
        }

        @Override
        void call(RaftPartitionStateMachine machine, long request, HLCTimestamp ticket) {
            machine.requests().propose(request, kind, logType, payloads, ticket, clientRequest, host.now());
        }
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
