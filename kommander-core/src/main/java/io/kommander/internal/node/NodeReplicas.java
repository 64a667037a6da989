package io.kommander.internal.node;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;
import io.kommander.internal.partition.Configuration;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.partition.ReplicaView;
import io.kommander.internal.system.RaftSystemCoordinator;
import io.kommander.wal.IWAL;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Which user partitions this node hosts, as the map places them: one whose replicas are every member or name this
 * node, and one it still holds data of (it is still in the partition's configuration, as far as it knows). A replica
 * the map moved away ({@link #stranded}) stays open until a committed configuration at least as new as its own no
 * longer holds this node: its own log's, or one a member of the partition told it of ({@link #toldRemoved}, the
 * answer to a {@link ReplicaRemovals} query, for a replica taken out while it was cut off); then {@link #takenOut}
 * lists it, and {@link NodeStartup} closes it and deletes its data. A partition the map places here while it ran
 * elsewhere opens as a joining replica (never a voter of its fresh log); one created online opens from its
 * first configuration, which partition 0's log gives every node alike. A node the roster removed hosts nothing new,
 * and every replica it still holds is stranded: the same rule deletes each once a member shows it was taken out.
 *
 * <p>Thread-safe: the decisions read the applied map, the replicas' views and the WAL; opening and closing go through
 * {@link NodeStartup}, which serializes them.
 */
final class NodeReplicas {

    private final String self;
    private final RaftSystemCoordinator coordinator;
    private final IWAL wal;
    private final Map<Integer, RaftPartition> partitions;
    /** Planted bug (tests only): created partitions open from this node's configured members, as before. */
    private volatile boolean ownPeers;
    /** Per stranded replica: the highest index of a committed configuration without this node it was told of. */
    private final Map<Integer, Long> toldRemoved = new ConcurrentHashMap<>();
    /** A planted bug (a negative control): any notice is proof, whatever configuration the replica holds. */
    private volatile boolean anyNotice;

    /** Whether this node learned that the roster removed it (it hosts nothing new, and keeps nothing it need not). */
    private final BooleanSupplier removed;

    /** @param removed whether this node learned that the roster removed it ({@code NodeMembership#removed}) */
    NodeReplicas(String self, RaftSystemCoordinator coordinator, IWAL wal, Map<Integer, RaftPartition> partitions,
                 BooleanSupplier removed) {
        this.self = self;
        this.coordinator = coordinator;
        this.wal = wal;
        this.partitions = partitions;
        this.removed = removed;
    }

    /**
     * Whether this node should have {@code id} open now (a partition the map does not know yet: yes); a removed node
     * keeps open only what it holds data of, until it learns it may delete it.
     */
    boolean hosts(int id) {
        if (removed.getAsBoolean()) {
            return holdsData(id);
        }
        PartitionDescriptor partition = descriptor(id);
        return partition == null || partition.hostedBy(self) || holdsData(id);
    }

    /**
     * Whether {@code partition} is a replica the map moved away from this node that does not lead: one being retired,
     * or one taken out while it heard from no leader, which never learns it and keeps the configuration it last held
     * (so that configuration says nothing of who the partition still holds). A leader's configuration is the
     * partition's, so a replica that leads is not stranded: its reconciler hands leadership away and takes it out.
     * Every user replica of a node the roster removed is stranded (it led or not): every partition took the node out
     * before the roster did, and a removed node runs no reconciler and no timers.
     */
    boolean stranded(RaftPartition partition) {
        if (partition.id() == RaftSystemCoordinator.SYSTEM_PARTITION) {
            return false;
        }
        if (removed.getAsBoolean()) {
            return true; // out of the roster, so out of every partition; it takes no part, as leader or follower
        }
        PartitionDescriptor descriptor = descriptor(partition.id());
        return descriptor != null && !descriptor.hostedBy(self) && !partition.view().leader();
    }

    /**
     * Whether {@code id} opens as a joining replica (one that does not count itself a voter of its fresh log). For a
     * partition created online, decided by partition 0's log alone: a replica joins unless this node is one of its
     * first voters that the map never placed away. A node outside the first voters joins on every open, a restart
     * with data included: its fresh log's configuration is the first voters without it, as when it first opened, and
     * its log's configuration entries (or installed snapshot) say whether it became a voter since. A first voter
     * that restarts before its replica wrote anything must still vote (its leader's log may hold no configuration
     * entry to tell it so), while one placed away may have had its replica deleted, term and vote with it, and could
     * vote twice in a term. A node that lost its whole WAL votes only once caught up ({@code ReplicaVerification}),
     * whatever this says. For an initial partition: placed here explicitly, or placed away from this node before,
     * with nothing of it in the WAL. A joining replica with nothing stored votes only once a leader's log verified
     * it ({@code ReplicaVerification#startUnverifiedEmpty}).
     */
    boolean joins(int id) {
        Set<String> first = firstVoters(id);
        if (first != null && !first.contains(self)) {
            return true;
        }
        if (holdsData(id)) {
            return false;
        }
        if (first != null) {
            return coordinator.placedAway(id, self);
        }
        // An initial partition: placed here explicitly, or on every member again after the map placed it away from
        // this node (its replica may have been deleted, term and vote with it).
        PartitionDescriptor partition = descriptor(id);
        return partition != null && !partition.replicas().isEmpty() || coordinator.placedAway(id, self);
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
     * The stranded replicas ({@link #stranded}) that a committed configuration at least as new as the one they hold
     * excludes: their own (no change in flight, and it does not hold this node), or one a member told of. Nothing of
     * theirs is needed here any more: every entry up to that configuration's commit is on a majority of it, and a
     * configuration that counts this node again can only come after it, so its leader would have sent this replica
     * that configuration's entry (this replica would hold a newer configuration) before counting it as a voter.
     */
    List<Integer> takenOut() {
        return partitions.values().stream().filter(this::stranded).filter(this::excluded)
                .map(RaftPartition::id).toList();
    }

    private boolean excluded(RaftPartition partition) {
        ReplicaView view = partition.view();
        Configuration configuration = view.configuration();
        if (configuration == null) {
            return false;
        }
        if (!configuration.contains(self) && view.configurationChangesInFlight() == 0) {
            return true;
        }
        Long told = toldRemoved.get(partition.id());
        return told != null && (anyNotice || told >= view.configurationIndex());
    }

    /**
     * A member of {@code partition} says its committed configuration at {@code configurationIndex} does not hold this
     * node. Kept while the replica is stranded; {@link #takenOut} compares it with the configuration the replica holds
     * then, not now (it may have learnt a newer one meanwhile).
     */
    void toldRemoved(int partition, long configurationIndex) {
        if (configurationIndex > 0 || anyNotice) {
            toldRemoved.merge(partition, configurationIndex, Math::max);
        }
    }

    /** Forgets what this node was told of {@code partition}: its replica was closed for deletion. */
    void forget(int partition) {
        toldRemoved.remove(partition);
    }

    /** Plants "any removal notice is proof" (a negative control of the simulator's deletion check). */
    void plantAnyNotice() {
        anyNotice = true;
    }

    /** The live partitions the map places here that are not open (a placement applied while one was closing). */
    java.util.List<Integer> missing() {
        PartitionMap map = coordinator.map();
        return map == null || !coordinator.rangesKnown().isDone() || removed.getAsBoolean() ? java.util.List.of()
                : map.partitions().stream()
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
