package io.kommander.internal.node;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;
import io.kommander.internal.partition.Configuration;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.system.RaftSystemCoordinator;
import io.kommander.wal.IWAL;

import java.util.Map;
import java.util.Set;

/**
 * Which user partitions this node hosts, as the map places them: one whose replicas are every member or name this
 * node, and one it still holds data of (it is still in the partition's configuration, as far as it knows). A replica
 * the map moved away stays open until its own log's configuration no longer holds this node (its leader took it
 * out, after its replacement caught up); then {@link #closeTakenOut} closes it and deletes its data. A partition the
 * map places here while it ran elsewhere opens as a joining replica (never a voter of its fresh log); one created
 * online opens from its first configuration, which partition 0's log gives every node alike.
 *
 * <p>Thread-safe: the decisions read the applied map and the WAL; opening and closing go through {@link NodeStartup},
 * which serializes them.
 */
final class NodeReplicas {

    private final String self;
    private final RaftSystemCoordinator coordinator;
    private final IWAL wal;
    private final Map<Integer, RaftPartition> partitions;
    /** Planted bug (tests only): created partitions open from this node's configured members, as before. */
    private volatile boolean ownPeers;

    NodeReplicas(String self, RaftSystemCoordinator coordinator, IWAL wal, Map<Integer, RaftPartition> partitions) {
        this.self = self;
        this.coordinator = coordinator;
        this.wal = wal;
        this.partitions = partitions;
    }

    /** Whether this node should have {@code id} open now (a partition the map does not know yet: yes). */
    boolean hosts(int id) {
        PartitionDescriptor partition = descriptor(id);
        return partition == null || partition.hostedBy(self) || holdsData(id);
    }

    /**
     * Whether the map places {@code id} on other members only: a replica of it open here is being retired, or was
     * taken out while it heard from no leader and never learnt it (then its configuration is stale for ever).
     */
    boolean movedAway(int id) {
        PartitionDescriptor partition = descriptor(id);
        return partition != null && !partition.hostedBy(self);
    }

    /**
     * Whether {@code id} opens as a joining replica (one that does not count itself a voter of its fresh log), when
     * nothing of it is in the WAL. For a partition created online, decided by partition 0's log alone: a replica
     * joins unless this node is one of its first voters that the map never placed away. A first voter that restarts
     * before its replica wrote anything must still vote (its leader's log may hold no configuration entry to tell it
     * so), while one placed away may have had its replica deleted, term and vote with it, and could vote twice in a
     * term. A node that lost its whole WAL votes only once caught up ({@code ReplicaVerification}), whatever this
     * says. For an initial partition: placed here explicitly.
     */
    boolean joins(int id) {
        if (holdsData(id)) {
            return false;
        }
        Set<String> first = firstVoters(id);
        if (first != null) {
            return !first.contains(self) || coordinator.placedAway(id, self);
        }
        PartitionDescriptor partition = descriptor(id);
        return partition != null && !partition.replicas().isEmpty();
    }

    /**
     * The voters of {@code id}'s first configuration, alike on every node, if it was created online; null for an
     * initial partition (its first configuration is this node's configured members, the bootstrapping ones).
     */
    Set<String> firstVoters(int id) {
        return ownPeers ? null : coordinator.firstVoters(id);
    }

    /** Plants "a created partition opens from this node's own members" (a negative control; tests only). */
    void plantOwnPeers() {
        ownPeers = true;
    }

    /** The live partitions the map places here (empty replicas included); -1 while no map is known. */
    int hostedCount() {
        PartitionMap map = coordinator.map();
        return map == null ? -1 : (int) map.partitions().stream()
                .filter(p -> p.state() != PartitionState.REMOVED && p.hostedBy(self)).count();
    }

    /**
     * The open replicas of partitions the map moved away whose own configuration no longer holds this node: their
     * leader took it out, so nothing of theirs is needed here any more.
     */
    java.util.List<Integer> takenOut() {
        return partitions.values().stream().filter(p -> p.id() != RaftSystemCoordinator.SYSTEM_PARTITION)
                .filter(p -> {
                    PartitionDescriptor partition = descriptor(p.id());
                    Configuration configuration = p.view().configuration();
                    return partition != null && !partition.hostedBy(self) && configuration != null
                            && !configuration.contains(self);
                }).map(RaftPartition::id).toList();
    }

    /** The live partitions the map places here that are not open (a placement applied while one was closing). */
    java.util.List<Integer> missing() {
        PartitionMap map = coordinator.map();
        return map == null || !coordinator.rangesKnown().isDone() ? java.util.List.of() : map.partitions().stream()
                .filter(p -> p.state() != PartitionState.REMOVED && p.hostedBy(self)
                        && !partitions.containsKey(p.id())).map(PartitionDescriptor::id).toList();
    }

    private PartitionDescriptor descriptor(int id) {
        PartitionMap map = coordinator.map();
        return map == null ? null : map.partition(id).orElse(null);
    }

    private boolean holdsData(int id) {
        return wal.lastPosition(id).index() > 0;
    }
}
