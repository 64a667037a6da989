package io.kommander.internal.partition;

import io.kommander.internal.partition.ConfigurationChange.Kind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The next one-member step from a partition's configuration toward the roster. */
class ConfigurationAlignmentTest {

    private static final Configuration ABC = Configuration.ofVoters(List.of("a", "b", "c"));

    @Test
    void aConfigurationThatMatchesTheTargetNeedsNoStep() {
        assertThat(ConfigurationAlignment.next(ABC, set("a", "b", "c"), Set.of(), "a")).isNull();
    }

    @Test
    void aNewMemberIsAddedAsALearnerThenPromotedIfTheTargetMakesItAVoter() {
        assertThat(ConfigurationAlignment.next(ABC, set("a", "b", "c", "d"), Set.of(), "a").change())
                .isEqualTo(new ConfigurationChange(Kind.ADD_LEARNER, "d"));
        Configuration withLearner = ABC.withLearner("d");
        assertThat(ConfigurationAlignment.next(withLearner, set("a", "b", "c"), set("d"), "a")).isNull();
        assertThat(ConfigurationAlignment.next(withLearner, set("a", "b", "c", "d"), Set.of(), "a").change())
                .isEqualTo(new ConfigurationChange(Kind.PROMOTE, "d"));
    }

    @Test
    void additionsComeBeforeRemovalsAndAMemberOutOfTheTargetIsRemoved() {
        assertThat(ConfigurationAlignment.next(ABC, set("a", "b", "d"), Set.of(), "a").change())
                .isEqualTo(new ConfigurationChange(Kind.ADD_LEARNER, "d"));
        assertThat(ConfigurationAlignment.next(ABC, set("a", "b"), Set.of(), "a").change())
                .isEqualTo(new ConfigurationChange(Kind.REMOVE, "c"));
    }

    @Test
    void aLeaderThatMustLeaveHandsLeadershipOverFirst() {
        ConfigurationAlignment.Step step = ConfigurationAlignment.next(ABC, set("b", "c"), Set.of(), "a");
        assertThat(step.transferAway()).isTrue();
        assertThat(step.change()).isNull();
    }

    private static Set<String> set(String... members) {
        return new TreeSet<>(List.of(members));
    }
}
