package io.kommander.internal.system;

import io.kommander.Member;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.internal.system.ReplicaPlacement.Assignment;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.SortedMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The balancer's steps: at most one replica in per step, R kept, trims at once, leaving members out first; a pass's
 * light steps go as one batch, so a large map gets its preferences in a few passes.
 */
class ReplicaBalancerStepTest {

    private static final Roster ROSTER = Roster.first(RosterCommand.bootstrap(List.of(member("a"), member("b"),
            member("c"), member("d"), member("e"))));

    @Test
    void aMoveOfTwoReplicasBringsOneInAndKeepsThree() {
        PartitionDescriptor partition = placed(List.of("a", "b", "c"), "a");

        MapCommand first = ReplicaBalancer.step(partition, Set.of("a", "b", "c"),
                new Assignment(List.of("a", "d", "e"), List.of("d")), 3, ROSTER);

        assertThat(first.kind()).isEqualTo(MapCommand.Kind.PLACE);
        assertThat(first.replicas()).containsExactly("a", "d", "b");
        assertThat(first.leaderPreference()).containsExactly("d");
    }

    @Test
    void aStepThatOnlyTakesReplicasOutGoesAtOnce() {
        PartitionDescriptor everywhere = PartitionDescriptor.active(1, null);

        MapCommand step = ReplicaBalancer.step(everywhere, Set.of("a", "b", "c", "d", "e"),
                new Assignment(List.of("b", "c", "e"), List.of("c")), 3, ROSTER);

        assertThat(step.replicas()).containsExactly("b", "c", "e");
        assertThat(step.leaderPreference()).containsExactly("c");
    }

    @Test
    void aLeavingMemberIsTheFirstToGo() {
        Roster leaving = ROSTER.decide(RosterCommand.of(RosterCommand.Kind.LEAVE, "b", 0, 0), true).roster();
        PartitionDescriptor partition = placed(List.of("a", "b", "c"), "a");

        MapCommand step = ReplicaBalancer.step(partition, Set.of("a", "b", "c"),
                new Assignment(List.of("a", "d", "e"), List.of("a")), 3, leaving);

        assertThat(step.replicas()).containsExactly("a", "d", "c");
    }

    private static PartitionDescriptor placed(List<String> replicas, String leader) {
        return PartitionDescriptor.active(1, null).withPlacement(replicas, List.of(leader));
    }

    private static Member member(String endpoint) {
        return new Member(0, endpoint, Member.Role.VOTER, 1, 0);
    }

    @Test
    void aTenThousandPartitionMapGetsItsLeaderPreferencesInAFewPassesOneMapChangeEach() {
        Roster three = Roster.first(RosterCommand.bootstrap(List.of(member("10.0.0.1:7001"), member("10.0.0.2:7001"),
                member("10.0.0.3:7001"))));
        PartitionMap map = PartitionMapRules.first(PartitionRanges.split(10_000));
        SortedMap<Integer, Assignment> target = ReplicaPlacement.place(map, three.endpoints(Member.Role.VOTER), 3);

        int passes = 0;
        for (ReplicaBalancer.Pass pass = plan(map, target, three); !pass.light().isEmpty();
             pass = plan(map, target, three)) {
            assertThat(pass.move()).isNull(); // three members, R = 3: preferences only
            assertThat(pass.light()).hasSizeLessThanOrEqualTo(ReplicaBalancer.LIGHT_STEPS_PER_PASS);
            map = PartitionMapRules.decide(map, new PlacementBatch(pass.light())).map();
            passes++;
        }

        assertThat(passes).isEqualTo(10); // 10,000 preferences, 1,024 a pass; it was 10,000 passes
        assertThat(map.version()).isEqualTo(1 + passes); // one map change per pass
        for (PartitionDescriptor partition : map.partitions()) {
            assertThat(partition.leaderPreference()).isEqualTo(target.get(partition.id()).leaderPreference());
            assertThat(partition.generation()).isEqualTo(1); // a preference alone keeps the generation
        }
    }

    @Test
    void aPassBatchesNoMoreLightStepsThanItsCountAndItsBytesAllow() {
        Roster three = Roster.first(RosterCommand.bootstrap(List.of(member("a"), member("b"), member("c"))));
        PartitionMap map = PartitionMapRules.first(PartitionRanges.split(2_000));
        SortedMap<Integer, Assignment> target = ReplicaPlacement.place(map, three.endpoints(Member.Role.VOTER), 3);
        MapCommand first = ReplicaBalancer.plan(map, target, three, 3, id -> false, false, Integer.MAX_VALUE)
                .light().get(0);
        int tenSteps = PlacementBatch.HEADER_BYTES + 10 * PlacementBatch.bytesOf(first);

        assertThat(ReplicaBalancer.plan(map, target, three, 3, id -> false, false, tenSteps).light()).hasSize(10);
        assertThat(ReplicaBalancer.plan(map, target, three, 3, id -> false, false, 1).light())
                .as("one at least, however small the node's largest entry").hasSize(1);
        assertThat(ReplicaBalancer.plan(map, target, three, 3, id -> false, false, Integer.MAX_VALUE).light())
                .hasSize(ReplicaBalancer.LIGHT_STEPS_PER_PASS)
                .allSatisfy(step -> assertThat(step.kind()).isEqualTo(MapCommand.Kind.PLACE));
        assertThat(ReplicaBalancer.plan(map, target, three, 3, id -> id % 2 == 0, false, Integer.MAX_VALUE).light())
                .allSatisfy(step -> assertThat(step.partition() % 2).isEqualTo(1)); // held partitions wait
    }

    private static ReplicaBalancer.Pass plan(PartitionMap map, SortedMap<Integer, Assignment> target, Roster roster) {
        return ReplicaBalancer.plan(map, target, roster, 3, id -> false, false,
                ReplicaBalancer.LIGHT_STEP_BYTES_PER_PASS);
    }
}
