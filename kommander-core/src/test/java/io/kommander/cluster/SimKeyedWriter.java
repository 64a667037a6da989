package io.kommander.cluster;

import io.kommander.PartitionDescriptor;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.sim.SimCluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The split and merge tests' writer on virtual time: writes round-robin over keys ({@code key#n}), each routed by a
 * node's current map to the owner's leader at the generation that map shows, 3 ms of virtual time apart, and keeps
 * what was tried, acknowledged and refused with {@code PartitionMoved}.
 */
final class SimKeyedWriter {

    /** One acknowledged write: its payload ({@code key#n}), its key and the partition that took it. */
    record Ack(String payload, String key, int partition) {
    }

    private final SimCluster cluster;
    private final List<String> keys;
    /** Acknowledged writes, in the order they were acknowledged. */
    final List<Ack> acknowledged = new ArrayList<>();
    /** Every payload tried, in order. */
    final List<String> attempted = new ArrayList<>();
    /** How many tries were refused with {@code PartitionMoved}. */
    int moved;
    private int next;

    SimKeyedWriter(SimCluster cluster, List<String> keys) {
        this.cluster = cluster;
        this.keys = List.copyOf(keys);
    }

    /** Writes the next key, routed by node {@code through}'s map. */
    void writeOne(int through) {
        String key = keys.get(next % keys.size());
        String payload = key + "#" + next++;
        PartitionDescriptor owner = cluster.node(through).getPartitionMap().ownerOfKey(key).orElseThrow();
        int node = cluster.leaderOf(owner.id());
        while (node < 0) {
            // The owner may be between leaders, or going (a merge's adjacent partition): wait for a leader, or route
            // again once the map gives the key another owner.
            PartitionDescriptor routed = owner;
            cluster.runUntil("partition " + owner.id() + " has a leader, or the key another owner",
                    () -> cluster.leaderOf(routed.id()) >= 0
                            || !cluster.node(through).getPartitionMap().ownerOfKey(key).orElseThrow().equals(routed));
            owner = cluster.node(through).getPartitionMap().ownerOfKey(key).orElseThrow();
            node = cluster.leaderOf(owner.id());
        }
        attempted.add(payload);
        RaftReplicationResult result = cluster.await(cluster.node(node).replicateLogs(owner.id(), "test",
                List.of(payload.getBytes(StandardCharsets.UTF_8)), true, owner.generation()));
        if (result.success()) {
            acknowledged.add(new Ack(payload, key, owner.id()));
        } else if (result.status() == RaftOperationStatus.PartitionMoved) {
            moved++;
        }
        cluster.runFor(Duration.ofMillis(3));
    }

    /** Writes until {@code done} completes. */
    void writeUntil(CompletableFuture<?> done, int through) {
        while (!done.isDone()) {
            writeOne(through);
        }
    }
}
