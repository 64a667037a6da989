package io.kommander.sim;

import io.kommander.PartitionMap;
import io.kommander.internal.partition.PartitionMoves;
import io.kommander.internal.partition.RaftPartition;

import java.util.List;

/**
 * Checks, after every event of a run that splits and merges, that a replica of a partition the keys leave keeps its
 * move entry durably while the move is under way: while a node's applied map shows a split or merge of partition P
 * under way and its replica's log holds that move's entry at index i, the node has neither compacted P's WAL to i
 * nor asked the application for a snapshot of P at i or beyond. The seed (the moved keys' state) is produced when
 * the entry is applied and held only in memory; a replica restarted from a snapshot or compaction point past the
 * entry never produces it again, and once every replica has, the move cannot finish. A move that a newer map (any
 * running node's) shows finished is over, whatever a lagging node's map shows: its seed is in the taking partition's
 * log, and a lagging replica may then hold the move entry only in its move history (a snapshot installed from a
 * leader that compacted once the move finished).
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class MoveLogMonitor {

    private final List<SimNode> nodes;
    private final SafetyMonitor monitor;

    MoveLogMonitor(List<SimNode> nodes, SafetyMonitor monitor) {
        this.nodes = nodes;
        this.monitor = monitor;
    }

    /** Looks at every running replica of a partition its node's map shows keys leaving. */
    void check() {
        PartitionMap newest = newestMap();
        RunningReplicas.forEachMapped(nodes, (node, partition, view) -> {
            PartitionMap map = node.manager().getPartitionMap();
            map.splitTarget(partition).or(() -> map.mergeSurvivor(partition))
                    .filter(taker -> underWay(newest, partition, taker.id()))
                    .ifPresent(taker -> check(node, partition, taker.id()));
        });
    }

    /** The running nodes' newest applied map (the highest version), or null if none has one. */
    private PartitionMap newestMap() {
        PartitionMap newest = null;
        for (SimNode node : nodes) {
            PartitionMap map = node.state() == SimNode.State.DOWN || node.manager() == null ? null
                    : node.manager().getPartitionMap();
            if (map != null && (newest == null || map.version() > newest.version())) {
                newest = map;
            }
        }
        return newest;
    }

    /** Whether {@code map} shows the keys of {@code from} moving to {@code to}. */
    private static boolean underWay(PartitionMap map, int from, int to) {
        return map == null || map.splitTarget(from).or(() -> map.mergeSurvivor(from))
                .map(taker -> taker.id() == to).orElse(false);
    }

    /** Fails the run unless node's replica of {@code from} still holds durably its move entry toward {@code to}. */
    private void check(SimNode node, int from, int to) {
        RaftPartition replica = node.partition(from);
        PartitionMoves moves = replica == null ? null : replica.moves();
        long entry = moves == null ? 0 : moves.moveIndex(to);
        if (entry == 0) {
            return;
        }
        long compacted = node.disk().compactedUpTo(from).index();
        long snapshot = node.stateMachine() == null ? 0 : node.stateMachine().snapshotAskedUpTo(from);
        if (compacted >= entry || snapshot >= entry) {
            monitor.fail("move log: n" + node.index() + " compacted p" + from + " to " + compacted
                    + " and asked for its snapshot at " + snapshot + ", past its move entry toward p" + to + " at "
                    + entry + ", while the move is under way: a restart would forget the moved keys' state");
        }
    }
}
