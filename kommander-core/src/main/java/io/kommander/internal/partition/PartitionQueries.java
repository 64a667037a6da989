package io.kommander.internal.partition;

import io.kommander.PartitionStatus;
import io.kommander.RaftClosedException;
import io.kommander.RaftOperationStatus;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Answers a caller's question about its partition's replica on the executor (whether it leads, its current members,
 * its status, a test's inspection), each answer tracked by {@link OpenCalls} so that it comes whatever happens.
 *
 * <p>Thread-safe: questions arrive on callers' threads and are answered on the executor.
 */
final class PartitionQueries {

    /** What answering a question needs of its partition. */
    interface Host extends PartitionParts {
        /** The current state machine, or null after a WAL failure until the next restore. Executor only. */
        RaftPartitionStateMachine machine();

        /** The partition's status once it stopped after an impossible state, else null. */
        PartitionStatus failedStatus();

        /** Publishes the replica's view now, not only after the drain. Executor only. */
        void publishView();
    }

    private final Host host;

    PartitionQueries(Host host) {
        this.host = host;
    }

    /** Whether this node leads the partition; false once the partition stopped. */
    CompletableFuture<Boolean> isLeader() {
        CompletableFuture<Boolean> result = host.calls().open((call, stopped) -> call.complete(false));
        host.executor().post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            RaftPartitionStateMachine machine = host.machine();
            result.complete(machine != null && machine.role() == RaftRole.LEADER);
        });
        return result;
    }

    /** If this replica leads, the members that hold everything committed and answered it within the window. */
    CompletableFuture<Set<String>> currentMembers(long withinMillis) {
        CompletableFuture<Set<String>> result = host.calls().open((call, stopped) -> call.complete(null));
        host.executor().post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            RaftPartitionStateMachine machine = host.machine();
            result.complete(machine == null ? null : machine.requests().currentMembers(host.now(), withinMillis));
        });
        return result;
    }

    /** Where the partition stands; fails with {@link RaftClosedException} once the partition is closed. */
    CompletableFuture<PartitionStatus> status() {
        CompletableFuture<PartitionStatus> result = host.calls().open((call, stopped) -> {
            if (stopped == RaftOperationStatus.PartitionFailed) {
                call.complete(host.failedStatus());
            } else {
                call.completeExceptionally(new RaftClosedException("partition " + host.id() + " is closed"));
            }
        });
        host.executor().post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            PartitionStatus failed = host.failedStatus();
            result.complete(failed != null ? failed : PartitionStatusView.of(host.id(), host.machine()));
        });
        return result;
    }

    /**
     * Forgets that the replica held a leader's log since it was opened
     * ({@link RaftPartitionStateMachine#forgetLeaderConfirmation}) and publishes the view that says so before
     * completing; a replica without state (its WAL failed) has nothing to forget: its next state starts unconfirmed.
     */
    CompletableFuture<Void> forgetLeaderConfirmation() {
        CompletableFuture<Void> result = failingIfStopped();
        host.executor().post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            RaftPartitionStateMachine machine = host.machine();
            if (machine != null) {
                machine.forgetLeaderConfirmation();
                host.publishView();
            }
            result.complete(null);
        });
        return result;
    }

    /** Runs a read-only query against the state machine. */
    <T> CompletableFuture<T> inspect(Function<RaftPartitionStateMachine, T> query) {
        CompletableFuture<T> result = failingIfStopped();
        host.executor().post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            RaftPartitionStateMachine machine = host.machine();
            if (machine == null) {
                result.completeExceptionally(new IllegalStateException("partition " + host.id()
                        + " has no state: its WAL failed and it has not restored again"));
                return;
            }
            try {
                result.complete(query.apply(machine));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** A call that fails with {@link IllegalStateException} if the partition stops before answering it. */
    private <T> CompletableFuture<T> failingIfStopped() {
        return host.calls().open((call, stopped) -> call.completeExceptionally(
                new IllegalStateException("partition " + host.id() + " stopped: " + stopped)));
    }
}
