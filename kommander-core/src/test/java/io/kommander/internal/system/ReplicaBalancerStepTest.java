package io.kommander.internal.system;

import io.kommander.Member;
import io.kommander.PartitionDescriptor;
import io.kommander.internal.system.ReplicaPlacement.Assignment;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The balancer's steps: at most one replica in per step, R kept, trims at once, leaving members out first. */
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
    void lightStepsPerPassShrinkAsTheMapGrowsSoEachPassRebuildsABoundedNumberOfDescriptors() {
        assertThat(ReplicaBalancer.lightStepsPerPass(39)).isEqualTo(ReplicaBalancer.LIGHT_STEPS_PER_PASS);
        assertThat(ReplicaBalancer.lightStepsPerPass(64)).isEqualTo(156); // every preference of 64 in one pass
        assertThat(ReplicaBalancer.lightStepsPerPass(1_000)).isEqualTo(10);
        assertThat(ReplicaBalancer.lightStepsPerPass(10_000)).isEqualTo(1);
        assertThat(ReplicaBalancer.lightStepsPerPass(1_000_000)).isEqualTo(1);
        assertThat(ReplicaBalancer.lightStepsPerPass(0)).isEqualTo(ReplicaBalancer.LIGHT_STEPS_PER_PASS);
    }
}
