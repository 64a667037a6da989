package io.kommander.internal.system;

import io.kommander.PartitionRange;
import io.kommander.transport.RaftMessage.PartitionMapRequest;
import io.kommander.transport.RaftMessage.PartitionMapResponse;

/**
 * Which partition map messages a node takes, checked before any field is used: only members may ask for map
 * changes, a request's kind must be known, a removal must name a user partition, a merge two different ones, and a
 * create's range must be ordered. Stateless.
 */
public final class PartitionMapMessageSanity {

    private static final int MAX_STATUS_CHARS = 64;

    private PartitionMapMessageSanity() {
    }

    /** @param isMember whether the sender is in this node's roster */
    public static boolean admissible(PartitionMapRequest request, boolean isMember) {
        if (!isMember || request.partition() != 0 || request.term() != 0 || request.requestId() < 0) {
            return false;
        }
        return switch (request.kind()) {
            case PartitionMapRequest.CREATE -> request.partitionId() == 0
                    && (request.routed() ? Long.compareUnsigned(request.first(), request.last()) <= 0
                    : request.first() == 0 && request.last() == 0);
            case PartitionMapRequest.REMOVE, PartitionMapRequest.FINISH_SPLIT, PartitionMapRequest.FINISH_MERGE ->
                    request.partitionId() > 0
                    && !request.routed() && request.first() == 0 && request.last() == 0;
            case PartitionMapRequest.SPLIT -> request.partitionId() > 0 && request.routed() && request.last() == -1L;
            case PartitionMapRequest.MERGE -> request.partitionId() > 0 && request.routed() && request.first() > 0
                    && request.first() <= Integer.MAX_VALUE && request.first() != request.partitionId()
                    && request.last() == -1L;
            default -> false;
        };
    }

    /** Whether a response is well formed (whether it answers anything is the client's business). */
    public static boolean admissible(PartitionMapResponse response) {
        return response.partition() == 0 && response.term() == 0 && response.requestId() >= 0
                && response.mapVersion() >= 0 && response.partitionId() >= 0
                && response.status().length() <= MAX_STATUS_CHARS
                && response.leaderHint().length() <= RosterMessageSanity.MAX_ENDPOINT_CHARS;
    }

    /** The range a create asks for, or null for an unrouted partition. */
    public static PartitionRange range(PartitionMapRequest request) {
        return request.routed() ? new PartitionRange(request.first(), request.last()) : null;
    }
}
