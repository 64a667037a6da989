package io.kommander.internal.partition;

import io.kommander.internal.partition.ConfigurationChange.Kind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The next one-member step from a partition's configuration toward its target (the roster, or its replicas). */
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

    @Test
    void aFullConfigurationTakesOutAVoterTheTargetNoLongerHasBeforeItAdds() {
        // Move 1 (c -> d) promoted d but has not taken c out yet when move 2 (d -> e) comes.
        Configuration abcd = Configuration.ofVoters(List.of("a", "b", "c", "d"));
        assertThat(ConfigurationAlignment.next(abcd, set("a", "b", "e"), Set.of(), "a").change())
                .isEqualTo(new ConfigurationChange(Kind.REMOVE, "c"));
        Configuration abd = abcd.without("c");
        assertThat(ConfigurationAlignment.next(abd, set("a", "b", "e"), Set.of(), "a").change())
                .isEqualTo(new ConfigurationChange(Kind.ADD_LEARNER, "e"));
    }

    @Test
    void aFullConfigurationTakesOutALearnerTheTargetNoLongerHasFirst() {
        // Move 1 (c -> d) added d, not caught up yet, when move 2 (d -> e) comes: d goes, c stays a voter meanwhile.
        Configuration withLearner = ABC.withLearner("d");
        assertThat(ConfigurationAlignment.next(withLearner, set("a", "b", "e"), Set.of(), "a").change())
                .isEqualTo(new ConfigurationChange(Kind.REMOVE, "d"));
    }

    @Test
    void aFullConfigurationNeverTakesOutItsLeaderToMakeRoom() {
        Configuration abcd = Configuration.ofVoters(List.of("a", "b", "c", "d"));
        assertThat(ConfigurationAlignment.next(abcd, set("a", "b", "e"), Set.of(), "c").change())
                .isEqualTo(new ConfigurationChange(Kind.REMOVE, "d"));
        assertThat(ConfigurationAlignment.next(abcd, set("a", "b", "e"), Set.of(), "d").change())
                .isEqualTo(new ConfigurationChange(Kind.REMOVE, "c"));
    }

    @Test
    void aFullConfigurationWithNoVoterToSparePromotesBeforeItTakesOut() {
        // Three voters the target (a, b, c) mostly lacks and its learner b: taking d or e out would leave 2 voters.
        Configuration ade = new Configuration(set("a", "d", "e"), set("b"));
        assertThat(ConfigurationAlignment.next(ade, set("a", "b", "c"), Set.of(), "a").change())
                .isEqualTo(new ConfigurationChange(Kind.PROMOTE, "b"));
        assertThat(ConfigurationAlignment.next(ade.promoted("b"), set("a", "b", "c"), Set.of(), "a").change())
                .isEqualTo(new ConfigurationChange(Kind.REMOVE, "d"));
    }

    @Test
    void aConfigurationWithRoomAddsAtOnceSoAJoinAddsItsNewcomer() {
        // Partition 0 or a partition on every member: x left the roster but is still configured, n joins.
        Configuration abcx = Configuration.ofVoters(List.of("a", "b", "c", "x"));
        assertThat(ConfigurationAlignment.next(abcx, set("a", "b", "c"), set("n"), "a").change())
                .isEqualTo(new ConfigurationChange(Kind.ADD_LEARNER, "n"));
    }

    @Test
    void replacingEveryReplicaNeverHoldsMoreThanTheTargetPlusOneNorFewerVotersThanIt() {
        // A co-location: the partition moves from a, b, c to d, e, f, led by a until a must leave.
        Configuration current = ABC;
        String leader = "a";
        Set<String> target = set("d", "e", "f");
        int steps = 0;
        for (ConfigurationAlignment.Step step = ConfigurationAlignment.next(current, target, Set.of(), leader);
             step != null; step = ConfigurationAlignment.next(current, target, Set.of(), leader)) {
            assertThat(steps++).isLessThan(20);
            if (step.transferAway()) {
                leader = current.voters().stream().filter(target::contains).findFirst().orElseThrow();
                continue;
            }
            current = apply(current, step.change());
            assertThat(current.voters().size() + current.learners().size()).isLessThanOrEqualTo(4);
            assertThat(current.voters()).hasSizeGreaterThanOrEqualTo(3);
        }
        assertThat(current).isEqualTo(Configuration.ofVoters(target));
    }

    @Test
    void theMissingMemberIsATargetVoterFirstThenATargetLearner() {
        assertThat(ConfigurationAlignment.missing(ABC, set("a", "b", "e"), set("d"))).isEqualTo("e");
        assertThat(ConfigurationAlignment.missing(ABC, set("a", "b", "c"), set("d"))).isEqualTo("d");
        assertThat(ConfigurationAlignment.missing(ABC, set("a", "b"), Set.of())).isNull();
    }

    private static Configuration apply(Configuration configuration, ConfigurationChange change) {
        return switch (change.kind()) {
            case ADD_LEARNER -> configuration.withLearner(change.member());
            case PROMOTE -> configuration.promoted(change.member());
            case REMOVE -> configuration.without(change.member());
        };
    }

    private static SortedSet<String> set(String... members) {
        return new TreeSet<>(List.of(members));
    }
}
