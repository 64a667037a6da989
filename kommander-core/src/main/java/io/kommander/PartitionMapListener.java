package io.kommander;

/**
 * Told of every committed change of the partition map, in commit order, on every node. Runs on the system
 * partition's executor; must not block (it may call the node's asynchronous methods).
 */
@FunctionalInterface
public interface PartitionMapListener {
    /** @param map the partition map after the change */
    void onPartitionMapChanged(PartitionMap map);
}
