package io.kommander.internal.partition;

import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.internal.metrics.NodeMetrics;
import io.kommander.time.HLCTimestamp;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The calls a partition handed to its state machine and still waits on, by request id: answered from the machine's
 * {@link Ready}, or all failed at once when the machine is dropped.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class PendingRequests {

    /**
     * A write waiting for its result, with the ticket it was stamped with or settles, for a failure to carry, and
     * when it was called, for its commit latency.
     */
    private record WriteRequest(CompletableFuture<RaftReplicationResult> future, HLCTimestamp ticket,
                                long startTime) {
    }

    private final NodeMetrics metrics;
    private long nextRequestId = 1;
    // Null until the first request: most replicas of a node are never asked anything.
    private RequestTable<WriteRequest> writes;
    private RequestTable<CompletableFuture<RaftOperationStatus>> statuses;

    /** Pending requests whose answers are reported to {@code metrics}. */
    PendingRequests(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Registers a write stamped with {@code ticket}, called at {@code startTime} ({@link NodeMetrics#startTime()});
     * returns its request id.
     */
    long addWrite(CompletableFuture<RaftReplicationResult> future, HLCTimestamp ticket, long startTime) {
        long request = nextRequestId++;
        if (writes == null) {
            writes = new RequestTable<>();
        }
        writes.put(request, new WriteRequest(future, ticket, startTime));
        return request;
    }

    /** Registers a status request; returns its request id. */
    long addStatus(CompletableFuture<RaftOperationStatus> future) {
        long request = nextRequestId++;
        if (statuses == null) {
            statuses = new RequestTable<>();
        }
        statuses.put(request, future);
        return request;
    }

    /** Completes the requests the machine answered; an answer for a forgotten request is dropped. */
    void answer(List<Ready.Completion> completions, List<Ready.StatusCompletion> statusCompletions) {
        for (Ready.Completion completion : completions) {
            WriteRequest request = writes == null ? null : writes.remove(completion.requestId());
            if (request != null) {
                metrics.writeAnswered(completion.result().status(), request.startTime());
                request.future().complete(completion.result());
            }
        }
        for (Ready.StatusCompletion completion : statusCompletions) {
            CompletableFuture<RaftOperationStatus> future = statuses == null ? null
                    : statuses.remove(completion.requestId());
            if (future != null) {
                future.complete(completion.status());
            }
        }
    }

    /** Fails every pending request with {@code status}, a write with its ticket, in the order they were made. */
    void failAll(RaftOperationStatus status) {
        if (writes != null) {
            for (WriteRequest w : writes.takeAll()) {
                metrics.writeAnswered(status, w.startTime());
                w.future().complete(RaftReplicationResult.failure(status, null, w.ticket()));
            }
        }
        if (statuses != null) {
            for (CompletableFuture<RaftOperationStatus> f : statuses.takeAll()) {
                f.complete(status);
            }
        }
    }

    /** Forgets every pending request (they are answered elsewhere). */
    void clear() {
        writes = null;
        statuses = null;
    }
}
