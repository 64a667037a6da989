package io.kommander.internal.node;

import io.kommander.RaftConfigurationException;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.PeerRefusal;
import io.kommander.transport.RaftMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Routes what the transport delivers: each inbound message to the part of the node it is for (liveness, membership,
 * the partition map, or its partition), and a peer's refusal to the pending join.
 *
 * <p>Thread-safe: called on the transport's threads.
 */
final class InboundRouter {

    /** The refusal is logged under {@link RaftNode}'s name, where log configurations expect it. */
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

    private final String self;
    private final Set<String> members;
    private final Map<Integer, RaftPartition> partitions;
    private final NodeMembership membership;
    private final NodePartitionMap partitionMap;
    private final NodeLiveness liveness;
    private final ReplicaRemovals removals;
    private final AtomicLong unknownSenderMessages;
    private final AtomicLong unknownPartitionMessages = new AtomicLong();
    private final CompletableFuture<Void> joined;
    private final BooleanSupplier closed;
    private final Set<String> refusedBy = ConcurrentHashMap.newKeySet();

    /**
     * @param members               the peers this node was configured with (for the refusal's log line)
     * @param unknownSenderMessages counts messages from a sender that is not a member (shared with membership)
     * @param joined                the join a refusal fails
     * @param closed                whether the node is closed: a closed node drops what it receives
     */
    InboundRouter(String self, Set<String> members, Map<Integer, RaftPartition> partitions,
                  NodeMembership membership, NodePartitionMap partitionMap, NodeLiveness liveness,
                  ReplicaRemovals removals, AtomicLong unknownSenderMessages, CompletableFuture<Void> joined, BooleanSupplier closed) {
        this.self = self;
        this.members = members;
        this.partitions = partitions;
        this.membership = membership;
        this.partitionMap = partitionMap;
        this.liveness = liveness;
        this.removals = removals;
        this.unknownSenderMessages = unknownSenderMessages;
        this.joined = joined;
        this.closed = closed;
    }

    /** Messages for a partition this node does not host, dropped. */
    long unknownPartitionMessages() {
        return unknownPartitionMessages.get();
    }

    void onBatch(MessageBatch batch) {
        if (closed.getAsBoolean()) {
            return;
        }
        boolean member = membership.isMember(batch.from());
        if (member) {
            liveness.heard(batch.from());
        }
        for (RaftMessage message : batch.messages()) {
            if (message instanceof RaftMessage.NodeHeartbeat beat) {
                if (member) {
                    liveness.onHeartbeat(batch.from(), beat);
                }
                continue;
            }
            if (message instanceof RaftMessage.RosterRequest || message instanceof RaftMessage.RosterResponse) {
                membership.onMessage(batch.from(), message, member);
                continue;
            }
            if (message instanceof RaftMessage.PartitionMapRequest
                    || message instanceof RaftMessage.PartitionMapResponse) {
                partitionMap.onMessage(batch.from(), message, member);
                continue;
            }
            if (message instanceof RaftMessage.MembershipQuery query) {
                // From a non-member too: a node the roster removed asks so that its replicas may go. The answer is
                // a fact about this node's committed configuration; the query changes nothing here.
                removals.onQuery(batch.from(), query);
                if (!member) {
                    membership.notMember(batch.from());
                }
                continue;
            }
            if (member && message instanceof RaftMessage.ReplicaRemoved notice) {
                removals.onRemoved(notice);
                continue;
            }
            if (member && message instanceof RaftMessage.ReleaseQuery query) {
                membership.releases().onQuery(batch.from(), query);
                continue;
            }
            if (member && message instanceof RaftMessage.MemberReleased answer) {
                membership.releases().onReleased(answer);
                continue;
            }
            if (!member && !membership.admits(batch.from(), message)) {
                unknownSenderMessages.incrementAndGet();
                membership.notMember(batch.from());
                continue;
            }
            RaftPartition partition = partitions.get(message.partition());
            if (partition == null) {
                unknownPartitionMessages.incrementAndGet();
            } else {
                partition.receive(batch.from(), message);
            }
        }
    }

    /** A peer and this node disagree on who they are: fail the join (if still pending) and say so once per peer. */
    void onRefused(PeerRefusal refusal) {
        RaftConfigurationException error = JoinRefusal.toException(refusal);
        boolean failedJoin = joined.completeExceptionally(error);
        if (refusedBy.add(refusal.peer())) {
            LOG.error("[{}] {}{} (this node lists {} and itself)", self, error.getMessage(),
                    failedJoin ? "; joinCluster fails" : "", new java.util.TreeSet<>(members));
        }
    }
}
