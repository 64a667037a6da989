package io.kommander.internal.system;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;
import io.kommander.internal.partition.CampaignOrder;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where each user partition's replicas and preferred leader should be, a pure function of where they are now, the
 * members that may host them and the replication factor R: every partition gets exactly {@code min(R, N)} distinct
 * members, each member hosts as many replicas as any other give or take one, and as few replicas as possible move
 * from where they are (a member that stays keeps its replicas unless evening out needs one of them). Leaders are
 * evened out the same way among each partition's replicas.
 *
 * <p>When there are no more members than R, every member hosts every partition: the replicas stay the empty list
 * ("every member of the roster", as before placement existed), so a member that joins or leaves such a cluster
 * changes no partition's replicas, and only leader preferences are placed (evenly, as above). Otherwise the first
 * node up would lead nearly everything for ever. Between members that lead equally many, a partition prefers the one
 * that comes first in its {@link CampaignOrder}, the one that stands first at a cold start anyway, so that leadership
 * needs no hand-over there. Deterministic (further ties go to the member first by name, partitions are visited by
 * id) so every coordinator computes the same placement from the same map. Stateless.
 */
public final class ReplicaPlacement {

    /**
     * One partition's place.
     *
     * @param replicas         the members that host it, in the order placed; empty: every member
     * @param leaderPreference the member it would rather be led by, or empty
     */
    public record Assignment(List<String> replicas, List<String> leaderPreference) {
        /** Canonical constructor; copies the lists. */
        public Assignment {
            replicas = List.copyOf(replicas);
            leaderPreference = List.copyOf(leaderPreference);
        }

        /** Every member hosts it, no preference: a partition not placed yet. */
        public static final Assignment EVERYWHERE = new Assignment(List.of(), List.of());
    }

    private ReplicaPlacement() {
    }

    /**
     * The placement of the map's live partitions (every state but {@link PartitionState#REMOVED}) on
     * {@code members}.
     */
    public static SortedMap<Integer, Assignment> place(PartitionMap map, SortedSet<String> members,
                                                       int replicationFactor) {
        SortedMap<Integer, Assignment> current = new TreeMap<>();
        for (PartitionDescriptor partition : map.partitions()) {
            if (partition.state() != PartitionState.REMOVED) {
                current.put(partition.id(), new Assignment(partition.replicas(), partition.leaderPreference()));
            }
        }
        return place(current, members, replicationFactor);
    }

    /**
     * The placement of {@code current} (each partition's replicas now, empty meaning every member, and its leader
     * preference) on {@code members}, with replication factor {@code replicationFactor} (at least 1).
     */
    public static SortedMap<Integer, Assignment> place(SortedMap<Integer, Assignment> current,
                                                       SortedSet<String> members, int replicationFactor) {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("the replication factor is at least 1: " + replicationFactor);
        }
        SortedMap<Integer, Assignment> placed = new TreeMap<>();
        if (members.isEmpty()) {
            current.keySet().forEach(id -> placed.put(id, Assignment.EVERYWHERE));
            return placed;
        }
        if (members.size() <= replicationFactor) {
            Map<Integer, LinkedHashSet<String>> everyMember = new TreeMap<>();
            current.keySet().forEach(id -> everyMember.put(id, new LinkedHashSet<>(members)));
            Map<Integer, String> leaders = leaders(everyMember, current, members);
            everyMember.keySet().forEach(id -> placed.put(id, new Assignment(List.of(), List.of(leaders.get(id)))));
            return placed;
        }
        Map<Integer, LinkedHashSet<String>> holders = new TreeMap<>();
        Map<String, Integer> load = zeroes(members);
        current.forEach((id, assignment) -> {
            LinkedHashSet<String> held = new LinkedHashSet<>();
            for (String member : assignment.replicas().isEmpty() ? members : assignment.replicas()) {
                if (members.contains(member)) {
                    held.add(member);
                    load.merge(member, 1, Integer::sum);
                }
            }
            holders.put(id, held);
        });
        Map<Integer, Set<String>> original = new TreeMap<>();
        holders.forEach((id, held) -> original.put(id, Set.copyOf(held)));
        holders.values().forEach(held -> trimOrFill(held, members, load, replicationFactor));
        even(holders, original, load, members);
        Map<Integer, String> leaders = leaders(holders, current, members);
        holders.forEach((id, held) -> placed.put(id, new Assignment(List.copyOf(held), List.of(leaders.get(id)))));
        return placed;
    }

    /** Takes replicas from the busiest holders, or adds the idlest members, until the partition has R. */
    private static void trimOrFill(Set<String> held, SortedSet<String> members, Map<String, Integer> load, int r) {
        while (held.size() > r) {
            String busiest = extreme(held, load, true);
            held.remove(busiest);
            load.merge(busiest, -1, Integer::sum);
        }
        while (held.size() < r) {
            List<String> candidates = members.stream().filter(m -> !held.contains(m)).toList();
            String idlest = extreme(candidates, load, false);
            held.add(idlest);
            load.merge(idlest, 1, Integer::sum);
        }
    }

    /**
     * Moves one replica at a time from a busiest member to an idlest one until counts differ by at most one. A
     * member that holds more partitions than another always holds one the other does not, so each pass moves. A
     * replica placed by this very computation is moved first: changing where a new replica goes costs no move.
     */
    private static void even(Map<Integer, LinkedHashSet<String>> holders, Map<Integer, Set<String>> original,
                             Map<String, Integer> load, SortedSet<String> members) {
        while (true) {
            String busiest = extreme(members, load, true);
            String idlest = extreme(members, load, false);
            if (load.get(busiest) - load.get(idlest) <= 1) {
                return;
            }
            Integer chosen = null;
            for (Map.Entry<Integer, LinkedHashSet<String>> partition : holders.entrySet()) {
                Set<String> held = partition.getValue();
                if (held.contains(busiest) && !held.contains(idlest)) {
                    if (!original.get(partition.getKey()).contains(busiest)) {
                        chosen = partition.getKey();
                        break;
                    }
                    if (chosen == null) {
                        chosen = partition.getKey();
                    }
                }
            }
            replace(holders.get(chosen), busiest, idlest);
            load.merge(busiest, -1, Integer::sum);
            load.merge(idlest, 1, Integer::sum);
        }
    }

    /**
     * A preferred leader per partition among its replicas: the current preference stays while its member leads no
     * more than its share; otherwise the replica that leads fewest, the first in the partition's campaign order
     * among those that lead equally few. Then shifts preferences along chains of shared
     * replicas until no member leads two more than one a chain reaches.
     */
    private static Map<Integer, String> leaders(Map<Integer, LinkedHashSet<String>> holders,
                                                SortedMap<Integer, Assignment> current, SortedSet<String> members) {
        Map<String, Integer> led = zeroes(members);
        int share = (holders.size() + members.size() - 1) / members.size();
        Map<Integer, String> leaders = new TreeMap<>();
        holders.forEach((id, held) -> {
            List<String> preferred = current.get(id).leaderPreference();
            String keep = preferred.isEmpty() ? null : preferred.get(0);
            String leader = keep != null && held.contains(keep) && led.get(keep) < share ? keep
                    : firstToStand(id, held, led);
            leaders.put(id, leader);
            led.merge(leader, 1, Integer::sum);
        });
        boolean shifted = true;
        while (shifted) {
            shifted = shiftOneLeadership(holders, leaders, led, members);
        }
        return leaders;
    }

    /**
     * Finds a chain of preferences to shift, from a member that leads at least two more than {@code idle} to
     * {@code idle}: each link moves one partition's preference to a replica of it that is the chain's next member,
     * so only the chain's two ends change their counts (an augmenting path, breadth first). Returns whether it
     * shifted one.
     */
    private static boolean shiftOneLeadership(Map<Integer, LinkedHashSet<String>> holders,
                                              Map<Integer, String> leaders, Map<String, Integer> led,
                                              SortedSet<String> members) {
        for (String idle : byLoad(members, led)) {
            // via.get(m): the partition whose preference moves from m to parent.get(m), one link nearer idle
            Map<String, Integer> via = new HashMap<>();
            Map<String, String> parent = new HashMap<>();
            ArrayDeque<String> queue = new ArrayDeque<>(List.of(idle));
            Set<String> seen = new HashSet<>(List.of(idle));
            while (!queue.isEmpty()) {
                String taker = queue.poll();
                for (Map.Entry<Integer, String> leader : leaders.entrySet()) {
                    String giver = leader.getValue();
                    if (seen.contains(giver) || !holders.get(leader.getKey()).contains(taker)) {
                        continue;
                    }
                    seen.add(giver);
                    via.put(giver, leader.getKey());
                    parent.put(giver, taker);
                    if (led.get(giver) - led.get(idle) >= 2) {
                        for (String m = giver; !m.equals(idle); m = parent.get(m)) {
                            leaders.put(via.get(m), parent.get(m));
                        }
                        led.merge(giver, -1, Integer::sum);
                        led.merge(idle, 1, Integer::sum);
                        return true;
                    }
                    queue.add(giver);
                }
            }
        }
        return false;
    }

    /** Of the replicas that lead fewest, the one first in the partition's {@link CampaignOrder}. */
    private static String firstToStand(int partition, Set<String> held, Map<String, Integer> led) {
        SortedSet<String> voters = new TreeSet<>(held);
        int fewest = led.get(extreme(held, led, false));
        String first = null;
        for (String replica : voters) {
            if (led.get(replica) == fewest && (first == null
                    || CampaignOrder.rank(partition, voters, replica) < CampaignOrder.rank(partition, voters, first))) {
                first = replica;
            }
        }
        return first;
    }

    /** Replaces {@code out} with {@code in}, keeping the others' order. */
    private static void replace(LinkedHashSet<String> held, String out, String in) {
        List<String> order = new ArrayList<>(held);
        order.set(order.indexOf(out), in);
        held.clear();
        held.addAll(order);
    }

    /** The members from the least to the most loaded, ties by name. */
    private static List<String> byLoad(Collection<String> members, Map<String, Integer> load) {
        List<String> sorted = new ArrayList<>(members);
        sorted.sort((a, b) -> load.get(a).equals(load.get(b)) ? a.compareTo(b) : load.get(a) - load.get(b));
        return sorted;
    }

    /** The most (or least) loaded member; ties go to the last (or first) by name, so busiest and idlest differ. */
    private static String extreme(Collection<String> members, Map<String, Integer> load, boolean most) {
        List<String> sorted = byLoad(members, load);
        return most ? sorted.get(sorted.size() - 1) : sorted.get(0);
    }

    private static Map<String, Integer> zeroes(Collection<String> members) {
        Map<String, Integer> counts = new HashMap<>();
        members.forEach(m -> counts.put(m, 0));
        return counts;
    }
}
