package io.kommander.internal.system;

import io.kommander.Member;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class CreatedPartitionsTest {

    private final CreatedPartitions created = new CreatedPartitions();

    @Test
    void firstVotersAreTheRosterVotersAtTheCreationNotItsLearnersNorLaterRosters() {
        created.created(5, List.of(), roster(Map.of("a:1", Member.Role.VOTER, "b:1", Member.Role.VOTER,
                "c:1", Member.Role.LEARNER, "d:1", Member.Role.LEAVING)));
        created.mapApplied(map(partition(5, List.of(), PartitionState.ACTIVE)));

        assertThat(created.voters(5)).containsExactly("a:1", "b:1");
        assertThat(created.voters(1)).as("not created online").isNull();
    }

    @Test
    void eachFirstVotersIncarnationAtTheCreationIsRecorded() {
        TreeMap<String, Member> members = new TreeMap<>();
        members.put("a:1", new Member(1, "a:1", Member.Role.VOTER, 1, 7));
        members.put("b:1", new Member(2, "b:1", Member.Role.VOTER, 1, 0));
        members.put("c:1", new Member(3, "c:1", Member.Role.LEARNER, 2, 9));
        created.created(5, List.of(), new Roster(2, members));
        created.mapApplied(map(partition(5, List.of("a:1"), PartitionState.ACTIVE)));

        assertThat(created.firstIncarnation(5, "a:1")).isEqualTo(7);
        assertThat(created.firstIncarnation(5, "b:1")).as("not reported yet").isZero();
        assertThat(created.firstIncarnation(5, "c:1")).as("a learner is no first voter").isZero();
        assertThat(created.firstIncarnation(1, "a:1")).as("not created online").isZero();
    }

    @Test
    void aSplitsNewHalfHasItsSourcesVotingReplicasAsFirstVoters() {
        created.created(5, List.of("a:1", "c:1", "d:1", "e:1"), roster(Map.of("a:1", Member.Role.VOTER,
                "b:1", Member.Role.VOTER, "c:1", Member.Role.LEARNER, "d:1", Member.Role.LEAVING)));
        created.mapApplied(map(partition(5, List.of("a:1", "c:1", "d:1", "e:1"), PartitionState.SPLITTING)));

        assertThat(created.voters(5)).as("voters and leaving members among the replicas, not b:1 placed elsewhere,"
                + " not the learner, not e:1 out of the roster").containsExactly("a:1", "d:1");
        assertThat(created.placedAway(5, "a:1")).isFalse();
    }

    @Test
    void aMemberAnInitialPartitionWasPlacedAwayFromStaysPlacedAwayWhenEveryMemberHostsItAgain() {
        created.mapApplied(map(partition(1, List.of(), PartitionState.ACTIVE)));
        assertThat(created.placedAway(1, "a:1")).as("on every member, never placed").isFalse();

        created.mapApplied(map(partition(1, List.of("a:1", "b:1", "c:1"), PartitionState.ACTIVE)));
        created.mapApplied(map(partition(1, List.of("b:1", "c:1", "e:1"), PartitionState.ACTIVE)));
        created.mapApplied(map(partition(1, List.of(), PartitionState.ACTIVE)));

        assertThat(created.placedAway(1, "a:1")).as("placed away, then on every member again").isTrue();
        assertThat(created.placedAway(1, "e:1")).as("missing from the first placement").isTrue();
        assertThat(created.placedAway(1, "b:1")).as("in every placement").isFalse();
        assertThat(created.voters(1)).as("still not created online").isNull();
    }

    @Test
    void aFirstVoterPlacedAwayStaysPlacedAwayWhenPlacedBack() {
        created.created(5, List.of(), roster(Map.of("a:1", Member.Role.VOTER, "b:1", Member.Role.VOTER,
                "c:1", Member.Role.VOTER, "d:1", Member.Role.VOTER)));
        created.mapApplied(map(partition(5, List.of("a:1", "b:1", "c:1"), PartitionState.ACTIVE)));
        created.mapApplied(map(partition(5, List.of("a:1", "b:1", "d:1"), PartitionState.ACTIVE)));
        created.mapApplied(map(partition(5, List.of("a:1", "b:1", "c:1", "d:1"), PartitionState.ACTIVE)));

        assertThat(created.placedAway(5, "a:1")).isFalse();
        assertThat(created.placedAway(5, "c:1")).isTrue();
        assertThat(created.placedAway(5, "d:1")).isTrue();
        assertThat(created.voters(5)).containsExactly("a:1", "b:1", "c:1", "d:1");
    }

    @Test
    void aRemovedPartitionIsForgotten() {
        created.created(5, List.of(), roster(Map.of("a:1", Member.Role.VOTER)));
        created.mapApplied(map(partition(5, List.of(), PartitionState.REMOVED)));

        assertThat(created.voters(5)).isNull();
    }

    @Test
    void withoutARosterNothingIsRecorded() {
        created.created(5, List.of(), null);

        assertThat(created.voters(5)).isNull();
    }

    private static Roster roster(Map<String, Member.Role> roles) {
        TreeMap<String, Member> members = new TreeMap<>();
        int id = 1;
        for (Map.Entry<String, Member.Role> member : new TreeMap<>(roles).entrySet()) {
            members.put(member.getKey(), new Member(id++, member.getKey(), member.getValue(), 1, 0));
        }
        return new Roster(1, members);
    }

    private static PartitionDescriptor partition(int id, List<String> replicas, PartitionState state) {
        return new PartitionDescriptor(id, null, 1, state, replicas, List.of());
    }

    private static PartitionMap map(PartitionDescriptor partition) {
        return new PartitionMap(1, List.of(partition));
    }
}
