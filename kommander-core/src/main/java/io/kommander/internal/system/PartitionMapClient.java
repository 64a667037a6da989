package io.kommander.internal.system;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.RaftOperationStatus;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.transport.RaftMessage;
import io.kommander.transport.RaftMessage.PartitionMapRequest;
import io.kommander.transport.RaftMessage.PartitionMapResponse;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * Hands a partition map change (create, remove, split, merge) to the system partition's leader, wherever the call is made: to
 * this node's own {@link PartitionMapService} when it leads, else in a {@link PartitionMapRequest}; the routing,
 * retries and bounds are {@link SystemRequests}'. An answer from another node names the partition and the map
 * version after the change; the caller's node fills in the partition's descriptor from its own map (see
 * {@link #answerOf}). A create retried after a lost answer may create a second partition: the caller sees a
 * {@link RaftOperationStatus#ProposalTimeout} or {@link RaftOperationStatus#NoLeader} then, never a silent double.
 *
 * <p>Thread-safe; answers complete on the runtime's timer thread, a transport thread or partition 0's executor
 * (callers relay them).
 */
public final class PartitionMapClient {

    private final PartitionMapService local;
    private final String self;
    private final Supplier<PartitionMap> map;
    private final SystemRequests<PartitionChangeResult> requests;

    /**
     * @param self       this node's endpoint
     * @param runtime    clock and timers
     * @param local      this node's service, used when it leads the system partition
     * @param map        the map this node has applied, or null
     * @param leaderHint the system partition's leader as last known here, or null
     * @param candidates where to look for the leader when none is known
     * @param send       sends a message to a node
     * @param attemptMillis how long one attempt waits for an answer before it is tried again
     * @param backoffMillis how long "try again later" waits before the next attempt
     */
    public PartitionMapClient(String self, IRaftRuntime runtime, PartitionMapService local,
                              Supplier<PartitionMap> map, Supplier<String> leaderHint,
                              Supplier<List<String>> candidates, BiConsumer<String, RaftMessage> send,
                              long attemptMillis, long backoffMillis) {
        this.local = local;
        this.self = self;
        this.map = map;
        this.requests = new SystemRequests<>(self, runtime, leaderHint, candidates, send, attemptMillis,
                backoffMillis);
    }

    /** The call a request's wire id belongs to: the same for every attempt of one call. */
    public static long callIdOf(long wireId) {
        return SystemRequests.callIdOf(wireId);
    }

    /** Asks the leader to create a partition owning {@code range} (null: unrouted). */
    public CompletableFuture<PartitionChangeResult> create(PartitionRange range, long timeoutMillis) {
        return requests.request(ask(callId -> local.create(range, self, callId), wireId -> new PartitionMapRequest(0, 0, wireId,
                PartitionMapRequest.CREATE, 0, range != null, range == null ? 0 : range.first(),
                range == null ? 0 : range.last())), timeoutMillis);
    }

    /** Asks the leader to drain, then remove, partition {@code id}. */
    public CompletableFuture<PartitionChangeResult> remove(int id, long timeoutMillis) {
        return requests.request(ask(callId -> local.remove(id, self, callId), wireId -> new PartitionMapRequest(0, 0, wireId,
                PartitionMapRequest.REMOVE, id, false, 0, 0)), timeoutMillis);
    }

    /** Asks the leader to split partition {@code source} at {@code boundary}. */
    public CompletableFuture<PartitionChangeResult> split(int source, long boundary, long timeoutMillis) {
        return requests.request(ask(callId -> local.split(source, boundary, self, callId), wireId ->
                new PartitionMapRequest(0, 0, wireId, PartitionMapRequest.SPLIT, source, true, boundary, -1L)),
                timeoutMillis);
    }

    /** Asks the leader to finish the split of partition {@code source}. */
    public CompletableFuture<PartitionChangeResult> finishSplit(int source, long timeoutMillis) {
        return requests.request(ask(callId -> local.finishSplit(source, self, callId), wireId ->
                new PartitionMapRequest(0, 0, wireId, PartitionMapRequest.FINISH_SPLIT, source, false, 0, 0)),
                timeoutMillis);
    }

    /** Asks the leader to merge partition {@code adjacent} into its neighbour {@code survivor}. */
    public CompletableFuture<PartitionChangeResult> merge(int survivor, int adjacent, long timeoutMillis) {
        return requests.request(ask(callId -> local.merge(survivor, adjacent, self, callId), wireId ->
                new PartitionMapRequest(0, 0, wireId, PartitionMapRequest.MERGE, survivor, true, adjacent, -1L)),
                timeoutMillis);
    }

    /** Asks the leader to finish the merge into partition {@code survivor}. */
    public CompletableFuture<PartitionChangeResult> finishMerge(int survivor, long timeoutMillis) {
        return requests.request(ask(callId -> local.finishMerge(survivor, self, callId), wireId ->
                new PartitionMapRequest(0, 0, wireId, PartitionMapRequest.FINISH_MERGE, survivor, false, 0, 0)),
                timeoutMillis);
    }

    /** An answer from another node; ignored unless it answers the current attempt of a call. */
    public void answered(PartitionMapResponse response) {
        requests.answered(response.requestId(), answerOf(SystemStatus.parse(response.status()),
                response.partitionId(), response.leaderHint().isEmpty() ? null : response.leaderHint()));
    }

    /** Fails every open call (the node is closing). */
    public void closeAll() {
        requests.closeAll(RaftOperationStatus.NodeClosed);
    }

    /** An answer naming partition {@code id} as this node's map has it (null if it has not applied it yet). */
    private PartitionChangeResult answerOf(RaftOperationStatus status, int id, String leaderHint) {
        PartitionMap known = map.get();
        PartitionDescriptor partition = known == null || id <= 0 ? null : known.partition(id).orElse(null);
        return new PartitionChangeResult(status, Math.max(id, 0), partition, leaderHint);
    }

    private interface Remote {
        RaftMessage request(long wireId);
    }

    private SystemRequests.Ask<PartitionChangeResult> ask(LongFunction<CompletableFuture<PartitionChangeResult>> here,
                                                          Remote remote) {
        return new SystemRequests.Ask<>() {
            @Override
            public CompletableFuture<PartitionChangeResult> local(long callId) {
                return here.apply(callId);
            }

            @Override
            public RaftMessage remote(long wireId) {
                return remote.request(wireId);
            }

            @Override
            public RaftOperationStatus status(PartitionChangeResult answer) {
                return answer.status();
            }

            @Override
            public String leaderHint(PartitionChangeResult answer) {
                return answer.leaderHint();
            }

            @Override
            public PartitionChangeResult failed(RaftOperationStatus status, String leaderHint) {
                return new PartitionChangeResult(status, 0, null, leaderHint);
            }

            @Override
            public boolean retryInProgress() {
                return false;
            }
        };
    }
}
