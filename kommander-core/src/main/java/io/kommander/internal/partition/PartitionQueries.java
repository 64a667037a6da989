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
    interface Host {
        /** The current state machine, or null after a WAL failure until the next restore. Executor only. */
        RaftPartitionStateMachine machine();

        /** The partition's status once it stopped after an impossible state, else null. */
        PartitionStatus failedStatus();
    }

    private final int id;
    private final PartitionContext context;
    private final RaftPartitionExecutor executor;
    private final OpenCalls calls;
    private final Host host;

    PartitionQueries(int id, PartitionContext context, RaftPartitionExecutor executor, OpenCalls calls, Host host) {
        this.id = id;
        this.context = context;
        this.executor = executor;
        this.calls = calls;
        this.host = host;
    }

    /** Whether this node leads the partition; false once the partition stopped. */
    CompletableFuture<Boolean> isLeader() {
        CompletableFuture<Boolean> result = calls.open((call, stopped) -> call.complete(false));
        executor.post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            RaftPartitionStateMachine machine = host.machine();
            result.complete(machine != null && machine.role() == RaftRole.LEADER);
        });
        return result;
    }

    /** If this replica leads, the members that hold everything committed and answered it within the window. */
    CompletableFuture<Set<String>> currentMembers(long withinMillis) {
        CompletableFuture<Set<String>> result = calls.open((call, stopped) -> call.complete(null));
        executor.post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            RaftPartitionStateMachine machine = host.machine();
            result.complete(machine == null ? null : machine.requests().currentMembers(now(), withinMillis));
        });
        return result;
    }

    /** Where the partition stands; fails with {@link RaftClosedException} once the partition is closed. */
    CompletableFuture<PartitionStatus> status() {
        CompletableFuture<PartitionStatus> result = calls.open((call, stopped) -> {
            if (stopped == RaftOperationStatus.PartitionFailed) {
                call.complete(host.failedStatus());
            } else {
                call.completeExceptionally(new RaftClosedException("partition " + id + " is closed"));
            }
        });
        executor.post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            PartitionStatus failed = host.failedStatus();
            result.complete(failed != null ? failed : PartitionStatusView.of(id, host.machine()));
        });
        return result;
    }

    /** Runs a read-only query against the state machine. */
    <T> CompletableFuture<T> inspect(Function<RaftPartitionStateMachine, T> query) {
        CompletableFuture<T> result = calls.open((call, stopped) -> call.completeExceptionally(
                new IllegalStateException("partition " + id + " stopped: " + stopped)));
        executor.post(RaftPartitionExecutor.Priority.CONTROL, () -> {
            RaftPartitionStateMachine machine = host.machine();
            if (machine == null) {
                result.completeExceptionally(new IllegalStateException("partition " + id + " has no state: its WAL"
                        + " failed and it has not restored again"));
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

    /** The state machine's time: monotonic, so a wall-clock step moves no timer (only tickets read the wall). */
    private long now() {
        return context.runtime().monotonicMillis();
    }
}
