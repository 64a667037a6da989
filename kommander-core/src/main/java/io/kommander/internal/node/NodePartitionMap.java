package io.kommander.internal.node;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionRange;
import io.kommander.internal.system.PartitionMapClient;
import io.kommander.internal.system.PartitionMapMessageSanity;
import io.kommander.internal.system.PartitionMapService;
import io.kommander.internal.system.RaftSystemCoordinator;
import io.kommander.internal.transport.RaftTransportDispatcher;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.transport.RaftMessage;
import io.kommander.transport.RaftMessage.PartitionMapRequest;
import io.kommander.transport.RaftMessage.PartitionMapResponse;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's part in partition map changes: its calls ({@link #create}, {@link #remove}) go to the system
 * partition's leader through a {@link PartitionMapClient}, and, when this node leads, requests from other nodes are
 * taken by its {@link PartitionMapService}. The map itself lives on partition 0 ({@link RaftSystemCoordinator}); see
 * {@code docs/partitions.md}.
 *
 * <p>Thread-safe.
 */
final class NodePartitionMap {

    /** The bound of a create, and of each step of a removal. */
    static final long MAP_CHANGE_TIMEOUT_MILLIS = 60_000;

    private final RaftSystemCoordinator coordinator;
    private final PartitionMapService service;
    private final PartitionMapClient client;
    private final RaftTransportDispatcher dispatcher;
    private final AtomicLong refusedMessages;

    /**
     * @param drainGraceMillis how long after a drain commits the removal is proposed (see {@link PartitionMapService})
     * @param attemptMillis    how long one attempt of a request waits for an answer ({@code membershipRetryMillis})
     * @param backoffMillis    how long "try again later" waits ({@code membershipBackoffMillis})
     * @param refusedMessages  where messages refused by {@link PartitionMapMessageSanity} are counted
     */
    NodePartitionMap(String self, IRaftRuntime runtime, RaftSystemCoordinator coordinator,
                     NodeMembership membership, RaftTransportDispatcher dispatcher, long drainGraceMillis,
                     long attemptMillis, long backoffMillis, AtomicLong refusedMessages) {
        this.coordinator = coordinator;
        this.service = new PartitionMapService(coordinator, membership::systemLeaderHint, runtime, drainGraceMillis);
        this.client = new PartitionMapClient(self, runtime, service, coordinator::map, membership::systemLeaderHint,
                membership::candidates, dispatcher::send, attemptMillis, backoffMillis);
        this.dispatcher = dispatcher;
        this.refusedMessages = refusedMessages;
    }

    /** Creates a partition owning {@code range} (null: unrouted). */
    CompletableFuture<PartitionChangeResult> create(PartitionRange range) {
        return client.create(range, MAP_CHANGE_TIMEOUT_MILLIS);
    }

    /** Drains, then removes, a partition. */
    CompletableFuture<PartitionChangeResult> remove(int partition) {
        return client.remove(partition, MAP_CHANGE_TIMEOUT_MILLIS);
    }

    /** Splits a partition at {@code boundary}. */
    CompletableFuture<PartitionChangeResult> split(int source, long boundary) {
        return client.split(source, boundary, MAP_CHANGE_TIMEOUT_MILLIS);
    }

    /** Finishes the split of {@code source} (its new half holds its seed). */
    CompletableFuture<PartitionChangeResult> finishSplit(int source) {
        return client.finishSplit(source, MAP_CHANGE_TIMEOUT_MILLIS);
    }

    /** Merges partition {@code adjacent} into {@code survivor}. */
    CompletableFuture<PartitionChangeResult> merge(int survivor, int adjacent) {
        return client.merge(survivor, adjacent, MAP_CHANGE_TIMEOUT_MILLIS);
    }

    /** Finishes the merge into {@code survivor} (it holds the adjacent's state). */
    CompletableFuture<PartitionChangeResult> finishMerge(int survivor) {
        return client.finishMerge(survivor, MAP_CHANGE_TIMEOUT_MILLIS);
    }

    /** The service that takes map changes when this node leads partition 0 (the node's rebalancing uses it too). */
    PartitionMapService service() {
        return service;
    }

    /** The applied map changed (in commit order): answers the calls this node's service holds for it. */
    void mapApplied(io.kommander.PartitionMap map) {
        service.mapApplied(map);
    }

    /** Completes every open call (the node closes). */
    void close() {
        client.closeAll();
    }

    /** A partition map request or answer from {@code from}; {@code member} says whether the sender is a member. */
    void onMessage(String from, RaftMessage message, boolean member) {
        if (message instanceof PartitionMapResponse response) {
            if (PartitionMapMessageSanity.admissible(response)) {
                client.answered(response);
            } else {
                refusedMessages.incrementAndGet();
            }
            return;
        }
        PartitionMapRequest request = (PartitionMapRequest) message;
        if (!PartitionMapMessageSanity.admissible(request, member)) {
            refusedMessages.incrementAndGet();
            return;
        }
        long callId = PartitionMapClient.callIdOf(request.requestId());
        CompletableFuture<PartitionChangeResult> answer = switch (request.kind()) {
            case PartitionMapRequest.CREATE -> service.create(PartitionMapMessageSanity.range(request), from, callId);
            case PartitionMapRequest.SPLIT -> service.split(request.partitionId(), request.first(), from, callId);
            case PartitionMapRequest.FINISH_SPLIT -> service.finishSplit(request.partitionId(), from, callId);
            case PartitionMapRequest.MERGE -> service.merge(request.partitionId(), (int) request.first(), from, callId);
            case PartitionMapRequest.FINISH_MERGE -> service.finishMerge(request.partitionId(), from, callId);
            default -> service.remove(request.partitionId(), from, callId);
        };
        answer.thenAccept(result -> dispatcher.send(from, new PartitionMapResponse(0, 0, request.requestId(),
                result.status().name(), coordinator.map() == null ? 0 : coordinator.map().version(),
                result.partitionId(), result.leaderHint() == null ? "" : result.leaderHint())));
    }
}
