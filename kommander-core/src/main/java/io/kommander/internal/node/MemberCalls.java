package io.kommander.internal.node;

import io.kommander.RaftOperationStatus;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A caller's membership change (a leave, a member's removal), gated by the node's state: a closed node, one that
 * has not started, or one that was removed answers at once; otherwise the change goes to {@link NodeMembership}.
 *
 * <p>Thread-safe. Returned futures complete on the callback executor ({@link CallerFutures}).
 */
final class MemberCalls {

    private final String self;
    private final NodeLifecycle lifecycle;
    private final NodeMembership membership;
    private final CallerFutures futures;
    private final Supplier<CompletableFuture<Void>> closeNode;

    /** @param closeNode closes the node (what a successful leave ends with) */
    MemberCalls(String self, NodeLifecycle lifecycle, NodeMembership membership, CallerFutures futures,
                Supplier<CompletableFuture<Void>> closeNode) {
        this.self = self;
        this.lifecycle = lifecycle;
        this.membership = membership;
        this.futures = futures;
        this.closeNode = closeNode;
    }

    /** See {@link io.kommander.IRaft#leaveCluster}. */
    CompletableFuture<RaftOperationStatus> leaveCluster() {
        if (lifecycle.closed()) {
            return futures.completed(RaftOperationStatus.NodeClosed);
        }
        if (!lifecycle.started()) {
            return futures.completed(RaftOperationStatus.RestoreInProgress);
        }
        if (membership.removed()) {
            return futures.completed(RaftOperationStatus.NotAMember);
        }
        // Removed, the node closes: it no longer belongs to any partition. Refused, it goes on as a member.
        return futures.relay(membership.removal(self).thenCompose(status -> status != RaftOperationStatus.Success
                ? CompletableFuture.completedFuture(status)
                : closeNode.get().handle((done, error) -> status)));
    }

    /** See {@link io.kommander.IRaft#removeMember}. */
    CompletableFuture<RaftOperationStatus> removeMember(String endpoint) {
        if (endpoint == null || endpoint.isEmpty()) {
            throw new IllegalArgumentException("the member to remove must be named by its endpoint");
        }
        if (lifecycle.closed()) {
            return futures.completed(RaftOperationStatus.NodeClosed);
        }
        if (!lifecycle.started()) {
            return futures.completed(RaftOperationStatus.RestoreInProgress);
        }
        if (membership.removed()) {
            return futures.completed(RaftOperationStatus.NotAMember);
        }
        return futures.relay(membership.removal(endpoint));
    }
}
