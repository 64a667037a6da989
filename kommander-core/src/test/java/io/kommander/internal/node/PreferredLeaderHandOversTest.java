package io.kommander.internal.node;

import io.kommander.PartitionStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Hand-overs to preferred leaders: only to a member that is up and caught up, and a bounded number at once. */
class PreferredLeaderHandOversTest {

    @Test
    void aPreferredLeaderThatIsDownGetsNoHandOver() {
        PreferredLeaderHandOvers handOvers = new PreferredLeaderHandOvers(true, Set.of("up")::contains);

        assertThat(handOvers.begin("down")).isFalse();
        assertThat(handOvers.begin("up")).isTrue();
        assertThat(handOvers.inFlight()).isEqualTo(1);
    }

    @Test
    void atMostTheBoundAreUnderWayAndOneThatEndsMakesRoom() {
        PreferredLeaderHandOvers handOvers = new PreferredLeaderHandOvers(true, member -> true);
        long admitted = IntStream.range(0, PreferredLeaderHandOvers.IN_FLIGHT + 5)
                .filter(i -> handOvers.begin("m" + i)).count();

        assertThat(admitted).isEqualTo(PreferredLeaderHandOvers.IN_FLIGHT);
        assertThat(handOvers.begin("late")).isFalse();
        handOvers.end();
        assertThat(handOvers.begin("late")).isTrue();
    }

    @Test
    void withLeaderBalancingOffNoHandOverIsAdmitted() {
        PreferredLeaderHandOvers handOvers = new PreferredLeaderHandOvers(false, member -> true);

        assertThat(handOvers.begin("up")).isFalse();
        assertThat(handOvers.inFlight()).isZero();
    }

    @Test
    void onlyAReplicaHoldingEveryCommittedEntryIsCaughtUp() {
        PartitionStatus status = new PartitionStatus(1, PartitionStatus.State.LEADER, 6, "a", 200, 200, 200,
                List.of(new PartitionStatus.FollowerStatus("b", 200, 0),
                        new PartitionStatus.FollowerStatus("c", 55, 145)), null, List.of("a", "b", "c"), List.of());

        assertThat(PreferredLeaderHandOvers.caughtUp(status, "b")).isTrue();
        assertThat(PreferredLeaderHandOvers.caughtUp(status, "c")).isFalse();
        assertThat(PreferredLeaderHandOvers.caughtUp(status, "z")).isFalse();
    }
}
