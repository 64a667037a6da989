package io.kommander.sim;

import io.kommander.PartitionDescriptor;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.partition.ReplicaView;

import java.util.List;
import java.util.stream.IntStream;

/**
 * The replicas the monitors look at after every event: those of every node that is not down, with a published
 * view that names a configuration (a replica still restoring has none yet).
 */
final class RunningReplicas {

    /** What a monitor does with one running replica's view. */
    interface Visitor {
        void visit(SimNode node, int partition, ReplicaView view);
    }

    private RunningReplicas() {
    }

    /**
     * Visits every running replica of a user partition the node's applied map names (split halves and partitions
     * created online included), node by node.
     */
    static void forEachMapped(List<SimNode> nodes, Visitor visitor) {
        for (SimNode node : nodes) {
            if (node.state() == SimNode.State.DOWN || node.manager() == null) {
                continue;
            }
            for (PartitionDescriptor descriptor : node.manager().getPartitionMap().partitions()) {
                visit(node, descriptor.id(), visitor);
            }
        }
    }

    /** Visits every running replica of partitions 0..{@code partitions}, node by node. */
    static void forEach(List<SimNode> nodes, int partitions, Visitor visitor) {
        forEach(nodes, () -> IntStream.rangeClosed(0, partitions).iterator(), visitor);
    }

    /**
     * Visits every running replica of the partitions {@code ids} (those created online or split off included), node
     * by node, in the order {@code ids} gives.
     */
    static void forEach(List<SimNode> nodes, Iterable<Integer> ids, Visitor visitor) {
        for (SimNode node : nodes) {
            if (node.state() != SimNode.State.DOWN) {
                for (int p : ids) {
                    visit(node, p, visitor);
                }
            }
        }
    }

    private static void visit(SimNode node, int p, Visitor visitor) {
        RaftPartition partition = node.partition(p);
        ReplicaView view = partition == null ? null : partition.view();
        if (view != null && view.configuration() != null) {
            visitor.visit(node, p, view);
        }
    }
}
