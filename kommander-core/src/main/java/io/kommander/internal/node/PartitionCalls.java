package io.kommander.internal.node;

import io.kommander.PartitionStatus;
import io.kommander.RaftClosedException;
import io.kommander.RaftConfiguration;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.RequestId;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.partition.ReservedTypes;
import io.kommander.internal.partition.WriteFence;
import io.kommander.internal.system.RaftSystemCoordinator;
import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A caller's call on one user partition, gated by the node's state: a closed node, a removed node or an unknown
 * partition answers at once (each call in its own order of checks), otherwise the partition answers.
 *
 * <p>Thread-safe. Returned futures complete on the callback executor ({@link CallerFutures}).
 */
final class PartitionCalls {

    private final RaftConfiguration configuration;
    private final Map<Integer, RaftPartition> partitions;
    private final RaftSystemCoordinator coordinator;
    private final NodeMembership membership;
    private final LeaderWaiters leaderWaiters;
    private final CallerFutures futures;
    private final BooleanSupplier closed;

    PartitionCalls(RaftConfiguration configuration, Map<Integer, RaftPartition> partitions,
                   RaftSystemCoordinator coordinator, NodeMembership membership, LeaderWaiters leaderWaiters,
                   CallerFutures futures, BooleanSupplier closed) {
        this.configuration = configuration;
        this.partitions = partitions;
        this.coordinator = coordinator;
        this.membership = membership;
        this.leaderWaiters = leaderWaiters;
        this.futures = futures;
        this.closed = closed;
    }

    // ---------------------------------------------------------------- writes

    /** See {@link io.kommander.IRaft#replicateLogs(int, String, byte[], boolean, RequestId)}. */
    CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, byte[] data,
                                                           boolean autoCommit, RequestId requestId) {
        if (data == null || requestId == null) {
            throw new IllegalArgumentException("data and requestId must not be null");
        }
        requireOwnType(type);
        RaftPartition partition = userPartition(partitionId);
        RaftReplicationResult refused = refusal(partitionId, partition);
        return refused != null ? futures.completed(refused) : futures.relay(partition.replicate(
                autoCommit ? EntryKind.DATA : EntryKind.PROPOSED, type, data, requestId, fence(partitionId, 0)));
    }

    /** See {@link io.kommander.IRaft#replicateLogs(int, String, List, boolean, long)}. */
    CompletableFuture<RaftReplicationResult> replicateLogs(int partitionId, String type, List<byte[]> data,
                                                           boolean autoCommit, long expectedGeneration) {
        if (expectedGeneration < 0) {
            throw new IllegalArgumentException("expectedGeneration must be 0 (no check) or a generation");
        }
        if (data == null || data.isEmpty() || holdsNull(data)) {
            throw new IllegalArgumentException("data must hold at least one non-null payload");
        }
        requireOwnType(type);
        if (!ProposalSize.fits(configuration, type, data)) {
            return CompletableFuture.completedFuture(RaftReplicationResult.failure(
                    RaftOperationStatus.EntryTooLarge, null));
        }
        // Not through withPartition: a write would pay a lambda capturing its arguments.
        RaftPartition partition = userPartition(partitionId);
        RaftReplicationResult refused = refusal(partitionId, partition);
        return refused != null ? futures.completed(refused) : futures.relay(partition.replicate(
                autoCommit ? EntryKind.DATA : EntryKind.PROPOSED, type, data, fence(partitionId, expectedGeneration)));
    }

    /** Types starting with {@value ReservedTypes#PREFIX} are the library's own entries (splits, merges, seeds). */
    private static void requireOwnType(String type) {
        if (ReservedTypes.isReserved(type)) {
            throw new IllegalArgumentException("type strings starting with " + ReservedTypes.PREFIX
                    + " are reserved: " + type);
        }
    }

    /**
     * The verdict on a write, read on the partition's executor when it would be proposed: the applied map's
     * ({@link RaftSystemCoordinator#fence}), then the partition's own log's ({@link RaftPartition#moveRefusal}).
     */
    private WriteFence fence(int partitionId, long expectedGeneration) {
        return () -> {
            RaftReplicationResult byMap = coordinator.fence(partitionId, expectedGeneration);
            RaftPartition partition = partitions.get(partitionId);
            return partition == null ? byMap : partition.moveRefusal(expectedGeneration, byMap,
                    () -> coordinator.map() != null && coordinator.map().mergeSurvivor(partitionId).isPresent());
        };
    }

    /** See {@link io.kommander.IRaft#commitLogs}. */
    CompletableFuture<RaftReplicationResult> commitLogs(int partitionId, HLCTimestamp ticket) {
        return withPartition(partitionId, p -> p.settle(ticket, true));
    }

    /** See {@link io.kommander.IRaft#rollbackLogs}. */
    CompletableFuture<RaftReplicationResult> rollbackLogs(int partitionId, HLCTimestamp ticket) {
        return withPartition(partitionId, p -> p.settle(ticket, false));
    }

    /** See {@link io.kommander.IRaft#replicateCheckpoint}. */
    CompletableFuture<RaftReplicationResult> replicateCheckpoint(int partitionId) {
        return withPartition(partitionId, p -> p.replicate(EntryKind.CHECKPOINT, "", List.of(new byte[0]),
                fence(partitionId, 0)));
    }

    private CompletableFuture<RaftReplicationResult> withPartition(
            int partitionId, Function<RaftPartition, CompletableFuture<RaftReplicationResult>> op) {
        RaftPartition partition = userPartition(partitionId);
        RaftReplicationResult refused = refusal(partitionId, partition);
        return refused != null ? futures.completed(refused) : futures.relay(op.apply(partition));
    }

    /**
     * The answer to a call on {@code partitionId} when this node cannot take it (closed, removed, or not hosting
     * {@code partition}: moved, placed elsewhere or unknown), or null if the partition answers.
     */
    private RaftReplicationResult refusal(int partitionId, RaftPartition partition) {
        if (closed.getAsBoolean()) {
            return RaftReplicationResult.failure(RaftOperationStatus.NodeClosed, null);
        }
        if (membership.removed()) {
            return RaftReplicationResult.failure(RaftOperationStatus.NotAMember, null);
        }
        if (partition != null) {
            return null;
        }
        RaftReplicationResult gone = partitionId == RaftSystemCoordinator.SYSTEM_PARTITION ? null
                : coordinator.fence(partitionId, 0);
        String elsewhere = gone == null ? hostedElsewhere(partitionId) : null;
        return gone != null ? gone : elsewhere != null
                ? RaftReplicationResult.failure(RaftOperationStatus.NodeIsNotLeader, elsewhere)
                : RaftReplicationResult.failure(RaftOperationStatus.UnknownPartition, null);
    }

    // ---------------------------------------------------------------- leadership and status

    /** See {@link io.kommander.IRaft#amILeaderQuick}. */
    boolean amILeaderQuick(int partitionId) {
        RaftPartition partition = userPartition(partitionId);
        return partition != null && !closed.getAsBoolean() && partition.isLeaderQuick();
    }

    /** See {@link io.kommander.IRaft#amILeader}. */
    CompletableFuture<Boolean> amILeader(int partitionId) {
        RaftPartition partition = userPartition(partitionId);
        return partition == null || closed.getAsBoolean() ? futures.completed(false)
                : futures.relay(partition.isLeader());
    }

    /** See {@link io.kommander.IRaft#waitForLeader}. */
    CompletableFuture<String> waitForLeader(int partitionId, Duration timeout) {
        RaftPartition partition = userPartition(partitionId);
        if (partition == null || closed.getAsBoolean()) {
            return futures.failed(closed.getAsBoolean() ? new RaftClosedException("node closed")
                    : new IllegalArgumentException("unknown partition " + partitionId));
        }
        return futures.relay(leaderWaiters.await(partitionId, partition::leaderQuick, timeout));
    }

    /** See {@link io.kommander.IRaft#confirmLeadership}. */
    CompletableFuture<Boolean> confirmLeadership(int partitionId) {
        RaftPartition partition = userPartition(partitionId);
        if (partition == null || closed.getAsBoolean() || membership.removed()) {
            return futures.completed(false);
        }
        return futures.relay(partition.confirmLeadership().thenApply(status -> status == RaftOperationStatus.Success));
    }

    /** See {@link io.kommander.IRaft#transferLeadership}. */
    CompletableFuture<RaftOperationStatus> transferLeadership(int partitionId, String target) {
        RaftPartition partition = userPartition(partitionId);
        if (closed.getAsBoolean()) {
            return futures.completed(RaftOperationStatus.NodeClosed);
        }
        if (partition == null) {
            return futures.completed(RaftOperationStatus.UnknownPartition);
        }
        if (membership.removed()) {
            return futures.completed(RaftOperationStatus.NotAMember);
        }
        return futures.relay(partition.transferLeadership(target)); // refuses a bad target up front
    }

    /** See {@link io.kommander.IRaft#leaderHint}. */
    String leaderHint(int partitionId) {
        RaftPartition partition = userPartition(partitionId);
        return partition == null || closed.getAsBoolean() ? null : partition.leaderQuick();
    }

    /** See {@link io.kommander.IRaft#partitionStatus}. */
    CompletableFuture<PartitionStatus> partitionStatus(int partitionId) {
        if (closed.getAsBoolean()) {
            return futures.failed(new RaftClosedException("node closed"));
        }
        RaftPartition partition = userPartition(partitionId);
        if (partition == null) {
            return futures.failed(new IllegalArgumentException("unknown partition " + partitionId));
        }
        return futures.relay(partition.status());
    }

    /**
     * A live partition the map places on other members only: the member to ask instead (its preferred leader, or its
     * first replica), so that a caller that follows leader hints reaches it; null if this node should host it.
     */
    private String hostedElsewhere(int partitionId) {
        io.kommander.PartitionMap map = coordinator.map();
        io.kommander.PartitionDescriptor partition = map == null || partitionId == RaftSystemCoordinator.SYSTEM_PARTITION
                ? null : map.partition(partitionId).orElse(null);
        if (partition == null || partition.hostedBy(configuration.endpoint())) {
            return null;
        }
        return partition.leaderPreference().isEmpty() ? partition.replicas().get(0)
                : partition.leaderPreference().get(0);
    }

    private RaftPartition userPartition(int partitionId) {
        return partitionId == RaftSystemCoordinator.SYSTEM_PARTITION ? null : partitions.get(partitionId);
    }

    /** Whether a payload is null: a loop, not a stream, as it runs on every write. */
    private static boolean holdsNull(List<byte[]> data) {
        for (byte[] payload : data) {
            if (payload == null) {
                return true;
            }
        }
        return false;
    }
}
