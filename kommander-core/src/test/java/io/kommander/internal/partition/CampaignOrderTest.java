package io.kommander.internal.partition;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The order in which a partition's voters stand for election ({@link CampaignOrder}). */
class CampaignOrderTest {

    private static final Configuration ABC = Configuration.ofVoters(List.of("a", "b", "c"));

    @Test
    void everyVoterHasADistinctTurnAndTurnsGoRoundFromOnePartitionToTheNext() {
        for (int partition = 0; partition < 6; partition++) {
            int p = partition;
            Set<Integer> turns = ABC.voters().stream().map(v -> CampaignOrder.rank(p, ABC, v))
                    .collect(Collectors.toSet());
            assertThat(turns).containsExactlyInAnyOrder(0, 1, 2);
        }
        List<Integer> firstTurnsOfA = IntStream.range(0, 6).map(p -> CampaignOrder.rank(p, ABC, "a")).boxed().toList();
        assertThat(firstTurnsOfA).containsExactly(0, 2, 1, 0, 2, 1);
    }

    @Test
    void aNonVoterComesAfterEveryVoter() {
        assertThat(CampaignOrder.rank(1, ABC, "z")).isEqualTo(3);
        assertThat(ABC.voters()).allSatisfy(v -> assertThat(CampaignOrder.before(1, ABC, v, "z")).isTrue());
    }

    @Test
    void beforeIsATotalOrder() {
        // Partition 1: b, then c, then a.
        assertThat(CampaignOrder.before(1, ABC, "b", "c")).isTrue();
        assertThat(CampaignOrder.before(1, ABC, "c", "a")).isTrue();
        assertThat(CampaignOrder.before(1, ABC, "a", "b")).isFalse();
        assertThat(CampaignOrder.before(1, ABC, "c", "b")).isFalse();
        assertThat(CampaignOrder.before(1, ABC, "y", "z")).as("non-voters by name").isTrue();
        assertThat(CampaignOrder.before(1, ABC, "b", "b")).isFalse();
    }
}
