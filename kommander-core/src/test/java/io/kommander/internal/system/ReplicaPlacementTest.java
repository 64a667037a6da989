package io.kommander.internal.system;

import io.kommander.internal.system.ReplicaPlacement.Assignment;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The placement function's promises: R distinct members each, even counts, few moves on a join or a leave. */
class ReplicaPlacementTest {

    @Property(tries = 300)
    void everyPartitionGetsMinOfRAndNDistinctMembersAndCountsDifferByAtMostOne(
            @ForAll @IntRange(min = 1, max = 9) int nodes, @ForAll @IntRange(min = 1, max = 40) int partitions,
            @ForAll @IntRange(min = 1, max = 5) int r) {
        SortedSet<String> members = members(nodes);
        SortedMap<Integer, Assignment> placed = ReplicaPlacement.place(everywhere(partitions), members, r);

        assertThat(placed.keySet()).hasSize(partitions);
        placed.values().forEach(a -> assertThat(hosts(a, members)).hasSize(Math.min(r, nodes))
                .isSubsetOf(members));
        assertEven(replicaCounts(placed, members));
        placed.values().forEach(a -> assertThat(a.leaderPreference()).hasSize(1)
                .allMatch(hosts(a, members)::contains));
        assertEven(leaderCounts(placed, members));
    }

    @Property(tries = 300)
    void upToRMembersHostEverythingAndEachPartitionPrefersTheFirstInItsCampaignOrder(
            @ForAll @IntRange(min = 1, max = 5) int nodes, @ForAll @IntRange(min = 1, max = 40) int partitions,
            @ForAll @IntRange(min = 5, max = 7) int r) {
        SortedSet<String> members = members(nodes);
        List<String> sorted = List.copyOf(members);

        SortedMap<Integer, Assignment> placed = ReplicaPlacement.place(everywhere(partitions), members, r);

        // CampaignOrder: the sorted voters rotated by the partition id, so voter (id mod N) stands first.
        placed.forEach((id, a) -> assertThat(a).isEqualTo(
                new Assignment(List.of(), List.of(sorted.get(id % nodes)))));
    }

    @Property(tries = 300)
    void aMemberJoiningUpToRMembersTakesOnlyItsShareOfLeaders(@ForAll @IntRange(min = 1, max = 4) int nodes,
                                                               @ForAll @IntRange(min = 1, max = 40) int partitions) {
        SortedSet<String> before = members(nodes);
        SortedMap<Integer, Assignment> placed = ReplicaPlacement.place(everywhere(partitions), before, 5);
        SortedSet<String> after = members(nodes + 1);
        String joined = after.last();

        SortedMap<Integer, Assignment> next = ReplicaPlacement.place(placed, after, 5);

        assertEven(leaderCounts(next, after));
        long moved = next.keySet().stream()
                .filter(id -> !next.get(id).leaderPreference().equals(placed.get(id).leaderPreference())).count();
        assertThat(moved).isEqualTo((long) leaderCounts(next, after).get(joined));
    }

    @Property(tries = 300)
    void aPlacementIsStable(@ForAll @IntRange(min = 1, max = 9) int nodes,
                            @ForAll @IntRange(min = 1, max = 40) int partitions,
                            @ForAll @IntRange(min = 1, max = 5) int r) {
        SortedSet<String> members = members(nodes);
        SortedMap<Integer, Assignment> placed = ReplicaPlacement.place(everywhere(partitions), members, r);

        assertThat(ReplicaPlacement.place(placed, members, r)).isEqualTo(placed);
    }

    @Property(tries = 300)
    void aJoiningMemberTakesOnlyItsShare(@ForAll @IntRange(min = 1, max = 8) int nodes,
                                         @ForAll @IntRange(min = 1, max = 40) int partitions,
                                         @ForAll @IntRange(min = 1, max = 5) int r) {
        SortedSet<String> before = members(nodes);
        SortedMap<Integer, Assignment> placed = ReplicaPlacement.place(everywhere(partitions), before, r);
        SortedSet<String> after = members(nodes + 1);
        String joined = after.last();

        SortedMap<Integer, Assignment> next = ReplicaPlacement.place(placed, after, r);

        assertEven(replicaCounts(next, after));
        int moved = moves(placed, before, next, after);
        if (nodes + 1 > r) {
            int total = partitions * r;
            // Each replica the newcomer gets is one move (plus trimming a cluster that grows past R, which is no move
            // of a replica to a new place); nothing else moves.
            assertThat(moved).isEqualTo(replicaCounts(next, after).get(joined));
            assertThat(moved).isLessThanOrEqualTo((total + nodes) / (nodes + 1));
        } else {
            assertThat(moved).isEqualTo(partitions); // it hosts everything, as every member does
        }
    }

    @Property(tries = 300)
    void aLeavingMembersReplicasMoveWithFewOthers(@ForAll @IntRange(min = 2, max = 9) int nodes,
                                                    @ForAll @IntRange(min = 1, max = 40) int partitions,
                                                    @ForAll @IntRange(min = 1, max = 5) int r,
                                                    @ForAll @IntRange(min = 0, max = 8) int leaverIndex) {
        SortedSet<String> before = members(nodes);
        SortedMap<Integer, Assignment> placed = ReplicaPlacement.place(everywhere(partitions), before, r);
        String leaver = before.stream().toList().get(leaverIndex % nodes);
        SortedSet<String> after = new TreeSet<>(before);
        after.remove(leaver);

        SortedMap<Integer, Assignment> next = ReplicaPlacement.place(placed, after, r);

        assertEven(replicaCounts(next, after));
        next.values().forEach(a -> assertThat(hosts(a, after)).doesNotContain(leaver));
        if (nodes - 1 > r) {
            // Each of the leaver's replicas moves; evening out may cost one more move per replica at most (6 nodes,
            // 3 partitions of R = 3: the leaver's one replica can only go to a member that then holds 3, so one of
            // that member's replicas must move as well).
            int leaversReplicas = replicaCounts(placed, before).get(leaver);
            assertThat(moves(placed, before, next, after)).isBetween(leaversReplicas, 2 * leaversReplicas);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static SortedSet<String> members(int n) {
        SortedSet<String> members = new TreeSet<>();
        for (int i = 1; i <= n; i++) {
            members.add("node-" + (char) ('a' + i - 1));
        }
        return members;
    }

    private static SortedMap<Integer, Assignment> everywhere(int partitions) {
        SortedMap<Integer, Assignment> map = new TreeMap<>();
        for (int id = 1; id <= partitions; id++) {
            map.put(id, Assignment.EVERYWHERE);
        }
        return map;
    }

    private static Set<String> hosts(Assignment assignment, Set<String> members) {
        return assignment.replicas().isEmpty() ? members : new HashSet<>(assignment.replicas());
    }

    /** Replicas that appear on a member that did not host the partition before. */
    private static int moves(SortedMap<Integer, Assignment> before, Set<String> membersBefore,
                             SortedMap<Integer, Assignment> after, Set<String> membersAfter) {
        int moved = 0;
        for (Map.Entry<Integer, Assignment> partition : after.entrySet()) {
            Set<String> had = hosts(before.get(partition.getKey()), membersBefore);
            for (String host : hosts(partition.getValue(), membersAfter)) {
                if (!had.contains(host)) {
                    moved++;
                }
            }
        }
        return moved;
    }

    private static Map<String, Integer> replicaCounts(SortedMap<Integer, Assignment> placed, Set<String> members) {
        Map<String, Integer> counts = new HashMap<>();
        members.forEach(m -> counts.put(m, 0));
        placed.values().forEach(a -> hosts(a, members).forEach(m -> counts.merge(m, 1, Integer::sum)));
        return counts;
    }

    private static Map<String, Integer> leaderCounts(SortedMap<Integer, Assignment> placed, Set<String> members) {
        Map<String, Integer> counts = new HashMap<>();
        members.forEach(m -> counts.put(m, 0));
        placed.values().forEach(a -> a.leaderPreference().forEach(m -> counts.merge(m, 1, Integer::sum)));
        return counts;
    }

    private static void assertEven(Map<String, Integer> counts) {
        List<Integer> values = counts.values().stream().sorted().toList();
        assertThat(values.get(values.size() - 1) - values.get(0)).as("counts %s", counts).isLessThanOrEqualTo(1);
    }
}
