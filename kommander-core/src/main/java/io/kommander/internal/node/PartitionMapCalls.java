package io.kommander.internal.node;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.RaftOperationStatus;
import io.kommander.internal.system.RaftSystemCoordinator;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A caller's questions about the partition map (which partition owns a key, the map itself, how many partitions
 * there are) and its changes to the map (a closed node answers those at once).
 *
 * <p>Thread-safe. Returned futures complete on the callback executor ({@link CallerFutures}).
 */
final class PartitionMapCalls {

    private final RaftSystemCoordinator coordinator;
    private final NodePartitionMap partitionMap;
    private final CallerFutures futures;
    private final BooleanSupplier closed;
    private final BooleanSupplier splitsSupported;

    PartitionMapCalls(RaftSystemCoordinator coordinator, NodePartitionMap partitionMap, CallerFutures futures,
                      BooleanSupplier closed, BooleanSupplier splitsSupported) {
        this.coordinator = coordinator;
        this.partitionMap = partitionMap;
        this.futures = futures;
        this.closed = closed;
        this.splitsSupported = splitsSupported;
    }

    /** See {@link io.kommander.IRaft#getPartitionKey}. */
    int getPartitionKey(String key) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        return ownerOf(key);
    }

    /** See {@link io.kommander.IRaft#getPrefixPartitionKey}. */
    int getPrefixPartitionKey(String key) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        return ownerOf(PartitionMap.prefixOf(key));
    }

    private int ownerOf(String key) {
        PartitionMap map = coordinator.map();
        if (map == null) {
            throw new IllegalStateException("partition ranges are not known yet: wait for joinCluster()");
        }
        return map.ownerOfKey(key).orElseThrow(() -> new IllegalStateException("no partition owns key " + key
                + " (its owner was removed)")).id();
    }

    /** See {@link io.kommander.IRaft#createPartition}. */
    CompletableFuture<PartitionChangeResult> createPartition(PartitionRange range) {
        if (closed.getAsBoolean()) {
            return futures.completed(new PartitionChangeResult(RaftOperationStatus.NodeClosed, 0, null, null));
        }
        return futures.relay(partitionMap.create(range));
    }

    /** See {@link io.kommander.IRaft#removePartition}. */
    CompletableFuture<PartitionChangeResult> removePartition(int partitionId) {
        if (partitionId < 1) {
            throw new IllegalArgumentException(partitionId == RaftSystemCoordinator.SYSTEM_PARTITION
                    ? "the system partition cannot be removed" : "no partition has id " + partitionId);
        }
        if (closed.getAsBoolean()) {
            return futures.completed(new PartitionChangeResult(RaftOperationStatus.NodeClosed, 0, null, null));
        }
        return futures.relay(partitionMap.remove(partitionId));
    }

    /** See {@link io.kommander.IRaft#splitPartition}. */
    CompletableFuture<PartitionChangeResult> splitPartition(int partitionId, long boundary) {
        if (partitionId < 1) {
            throw new IllegalArgumentException(partitionId == RaftSystemCoordinator.SYSTEM_PARTITION
                    ? "the system partition cannot be split" : "no partition has id " + partitionId);
        }
        if (closed.getAsBoolean()) {
            return futures.completed(new PartitionChangeResult(RaftOperationStatus.NodeClosed, 0, null, null));
        }
        if (!splitsSupported.getAsBoolean()) {
            return futures.completed(new PartitionChangeResult(RaftOperationStatus.SplitUnsupported, partitionId,
                    null, null));
        }
        return futures.relay(partitionMap.split(partitionId, boundary));
    }

    /** See {@link io.kommander.IRaft#mergePartitions}. */
    CompletableFuture<PartitionChangeResult> mergePartitions(int survivor, int adjacent) {
        if (survivor < 1 || adjacent < 1 || survivor == adjacent) {
            throw new IllegalArgumentException(survivor == adjacent ? "a partition cannot merge with itself: "
                    + survivor : "the system partition cannot be merged, and user partitions' ids are at least 1");
        }
        if (closed.getAsBoolean()) {
            return futures.completed(new PartitionChangeResult(RaftOperationStatus.NodeClosed, 0, null, null));
        }
        if (!splitsSupported.getAsBoolean()) {
            return futures.completed(new PartitionChangeResult(RaftOperationStatus.SplitUnsupported, survivor, null,
                    null));
        }
        return futures.relay(partitionMap.merge(survivor, adjacent));
    }

    /** See {@link io.kommander.IRaft#getPartitionMap}. */
    PartitionMap getPartitionMap() {
        PartitionMap map = coordinator.map();
        return map != null ? map : new PartitionMap(0, List.of());
    }

    /** See {@link io.kommander.IRaft#partitionCount}. */
    int partitionCount() {
        PartitionMap map = coordinator.map();
        return map == null ? 0 : (int) map.partitions().stream()
                .filter(p -> p.state() != io.kommander.PartitionState.REMOVED).count();
    }
}
