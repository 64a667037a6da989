package io.kommander.sim;

import io.kommander.IRaft;
import io.kommander.RaftLog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What each node's application of a {@link SimCluster} was handed through its listeners: the entries delivered and
 * restored in the node's current lifetime, per partition, and the snapshots installed from a leader over all its
 * lifetimes.
 *
 * <p>Not thread-safe: one test, one thread, like its cluster.
 */
final class AppliedRecords {

    /** deliveries.get(node).get(partition): entries delivered through onReplicationReceived, this lifetime. */
    private final List<Map<Integer, List<RaftLog>>> deliveries = new ArrayList<>();
    /** restorations.get(node).get(partition): entries replayed through onLogRestored, this lifetime. */
    private final List<Map<Integer, List<RaftLog>>> restorations = new ArrayList<>();
    /** installs.get(node): (partition, index) of each snapshot installed from a leader, over all lifetimes. */
    private final List<List<long[]>> installs = new ArrayList<>();

    AppliedRecords(int nodes) {
        for (int i = 0; i < nodes; i++) {
            deliveries.add(new HashMap<>());
            restorations.add(new HashMap<>());
            installs.add(new ArrayList<>());
        }
    }

    /**
     * Node {@code node} started a new lifetime as {@code raft}: its deliveries and restorations start anew. Call it
     * before virtual time runs, so that the listeners see every restore and delivery.
     */
    void listen(int node, IRaft raft) {
        Map<Integer, List<RaftLog>> delivered = deliveries.get(node);
        Map<Integer, List<RaftLog>> restored = restorations.get(node);
        delivered.clear();
        restored.clear();
        raft.onReplicationReceived((p, log) -> {
            delivered.computeIfAbsent(p, k -> new ArrayList<>()).add(log);
            return true;
        });
        raft.onLogRestored((p, log) -> restored.computeIfAbsent(p, k -> new ArrayList<>()).add(log));
        raft.onSnapshotInstalled((p, index) -> installs.get(node).add(new long[] {p, index}));
    }

    /** Entries the node delivered through onReplicationReceived for a partition in its current lifetime. */
    List<RaftLog> delivered(int node, int partition) {
        return List.copyOf(deliveries.get(node).getOrDefault(partition, List.of()));
    }

    /** Entries the node replayed through onLogRestored for a partition in its current lifetime. */
    List<RaftLog> restored(int node, int partition) {
        return List.copyOf(restorations.get(node).getOrDefault(partition, List.of()));
    }

    /** The indexes of the snapshots the node installed from a leader for a partition, over all its lifetimes. */
    List<Long> installedSnapshots(int node, int partition) {
        return installs.get(node).stream().filter(i -> i[0] == partition).map(i -> i[1]).toList();
    }
}
