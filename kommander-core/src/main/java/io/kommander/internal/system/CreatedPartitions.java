package io.kommander.internal.system;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The first configuration of every partition created online (a CREATE, or a SPLIT's new half): the members that vote
 * in it by the roster at the index of the entry that created it ({@link Roster#votersOf} its first replicas: the
 * roster's voters for a partition on every member, a split's new half on its source's replicas the source's voting
 * replicas), and which of those the map has placed away from it since. Both are
 * derived from partition 0's log, which is never compacted, so every node, a restart's replay and a node that joins
 * later hold the same: a replica opened on any node, at any time, starts from the configuration the others count.
 * A node's own list of members would not do, nor the roster of the moment a replica opens: each changes as members
 * come and go, and two replicas with different first configurations could elect two leaders.
 *
 * <p>A first voter that was placed away may have had its replica's data (its term and vote among them) deleted: if
 * the map places the partition on it again it must not count itself a voter of its fresh log, or it could vote twice
 * in a term. The initial partitions (the ranges entry) have no first voters here (theirs are the bootstrapping
 * members'), but which members the map placed them away from is kept alike (sim seed 13410: a replica of an initial
 * partition, deleted when the map placed it away, reopened with an empty log when the cluster shrank to R members and
 * every member hosted it again, counted itself a voter, and voted a candidate without a committed entry into
 * leadership). Written on partition 0's executor only, in commit order; read from any thread (copy on write).
 */
final class CreatedPartitions {

    /**
     * A created partition's first voters, and those of them the map placed away since (both sorted), and the
     * incarnation the roster held for each voter at the creation (0: not reported yet).
     */
    private record First(SortedSet<String> voters, SortedSet<String> away, Map<String, Long> incarnations) {
    }

    private volatile Map<Integer, First> firsts = Map.of();
    /**
     * Per initial partition the map has placed explicitly, the members every such placement named: any other member
     * was placed away from it at least once (copy on write).
     */
    private volatile Map<Integer, Set<String>> initialAlwaysPlaced = Map.of();

    /**
     * Partition {@code partition} was created by the entry being applied, on {@code replicas} (empty: every member),
     * under {@code roster} (null: unknown).
     */
    void created(int partition, List<String> replicas, Roster roster) {
        if (roster == null) {
            return; // no roster yet: the partition opens as the initial ones do, from the configured members
        }
        SortedSet<String> voters = roster.votersOf(replicas);
        Map<String, Long> incarnations = new HashMap<>();
        voters.forEach(v -> incarnations.put(v, roster.member(v).incarnation()));
        Map<Integer, First> next = new HashMap<>(firsts);
        next.put(partition, new First(Collections.unmodifiableSortedSet(voters),
                Collections.emptySortedSet(), Map.copyOf(incarnations)));
        firsts = Collections.unmodifiableMap(next);
    }

    /**
     * The map changed: notes the first voters a placement leaves out, and forgets the partitions removed (a removed
     * partition is never opened again).
     */
    void mapApplied(PartitionMap map) {
        initialsPlaced(map);
        Map<Integer, First> known = firsts;
        if (known.isEmpty()) {
            return;
        }
        Map<Integer, First> next = new HashMap<>(known.size());
        boolean changed = false;
        for (Map.Entry<Integer, First> entry : known.entrySet()) {
            PartitionDescriptor partition = map.partition(entry.getKey()).orElse(null);
            First first = entry.getValue();
            if (partition == null || partition.state() == PartitionState.REMOVED) {
                changed = true;
                continue;
            }
            First after = placed(first, partition);
            changed |= after != first;
            next.put(entry.getKey(), after);
        }
        if (changed) {
            firsts = Collections.unmodifiableMap(next);
        }
    }

    /** The first voters of {@code partition}, or null if it was not created online (or is removed). */
    Set<String> voters(int partition) {
        First first = firsts.get(partition);
        return first == null ? null : first.voters();
    }

    /**
     * The incarnation the roster held for {@code endpoint} when it created {@code partition}, if it was a first voter
     * then; 0 otherwise (not created online, not a first voter, or its incarnation not reported yet).
     */
    long firstIncarnation(int partition, String endpoint) {
        First first = firsts.get(partition);
        return first == null ? 0 : first.incarnations().getOrDefault(endpoint, 0L);
    }

    /**
     * Whether the map ever placed {@code partition} away from {@code endpoint}: from a first voter of a partition
     * created online, or from a member that hosted an initial partition.
     */
    boolean placedAway(int partition, String endpoint) {
        First first = firsts.get(partition);
        if (first != null) {
            return first.away().contains(endpoint);
        }
        Set<String> always = initialAlwaysPlaced.get(partition);
        return always != null && !always.contains(endpoint);
    }

    /** Narrows, per initial partition placed explicitly, the members every placement named. */
    private void initialsPlaced(PartitionMap map) {
        Map<Integer, Set<String>> known = initialAlwaysPlaced;
        Map<Integer, Set<String>> next = null;
        for (PartitionDescriptor partition : map.partitions()) {
            if (partition.replicas().isEmpty() || firsts.containsKey(partition.id())
                    || partition.state() == PartitionState.REMOVED) {
                continue;
            }
            Set<String> before = known.get(partition.id());
            if (before != null && partition.replicas().containsAll(before)) {
                continue; // the common case on every map change: nothing narrows, nothing is allocated
            }
            next = next == null ? new HashMap<>(known) : next;
            next.put(partition.id(), before == null ? Set.copyOf(partition.replicas())
                    : before.stream().filter(partition.replicas()::contains).collect(
                            java.util.stream.Collectors.toUnmodifiableSet()));
        }
        if (next != null) {
            initialAlwaysPlaced = Collections.unmodifiableMap(next);
        }
    }

    private static First placed(First first, PartitionDescriptor partition) {
        if (partition.replicas().isEmpty()) {
            return first; // on every member
        }
        SortedSet<String> away = new TreeSet<>(first.away());
        first.voters().stream().filter(v -> !partition.replicas().contains(v)).forEach(away::add);
        return away.size() == first.away().size() ? first
                : new First(first.voters(), Collections.unmodifiableSortedSet(away), first.incarnations());
    }
}
