package io.kommander.internal.partition;

import io.kommander.RaftOperationStatus;
import io.kommander.internal.partition.ConfigurationChange.Kind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules of one-member changes, decided without a leader around them. */
class ConfigurationChangesTest {

    private static final Configuration ABC = Configuration.ofVoters(List.of("a", "b", "c"));

    private static ConfigurationChanges.Decision decide(Configuration current, Kind kind, String member,
                                                        Set<String> caughtUp) {
        return ConfigurationChanges.decide(current, new ConfigurationChange(kind, member), caughtUp::contains);
    }

    @Test
    void addingAMemberMakesALearnerAndAddingItAgainChangesNothing() {
        Configuration withD = decide(ABC, Kind.ADD_LEARNER, "d", Set.of()).next();
        assertThat(withD.learners()).containsExactly("d");
        assertThat(decide(withD, Kind.ADD_LEARNER, "d", Set.of()).next()).isEqualTo(withD);
        assertThat(decide(ABC, Kind.ADD_LEARNER, "a", Set.of()).next()).isEqualTo(ABC);
    }

    @Test
    void onlyACaughtUpLearnerIsPromoted() {
        Configuration withD = ABC.withLearner("d");
        assertThat(decide(withD, Kind.PROMOTE, "d", Set.of("a")).refusal())
                .isEqualTo(RaftOperationStatus.MemberNotCaughtUp);
        assertThat(decide(withD, Kind.PROMOTE, "d", Set.of("d")).next().voters()).contains("d");
        assertThat(decide(withD, Kind.PROMOTE, "z", Set.of("z")).refusal()).isEqualTo(RaftOperationStatus.NotAMember);
        assertThat(decide(withD, Kind.PROMOTE, "a", Set.of()).next()).as("a voter already").isEqualTo(withD);
    }

    @Test
    void aVoterIsRemovedOnlyIfTheRestCanStillCommit() {
        assertThat(decide(ABC, Kind.REMOVE, "c", Set.of("a", "b")).next().voters()).containsExactly("a", "b");
        assertThat(decide(ABC, Kind.REMOVE, "c", Set.of("a", "c")).refusal())
                .as("b is behind: 1 of the 2 remaining").isEqualTo(RaftOperationStatus.TooFewVoters);
        assertThat(decide(ABC.withLearner("d"), Kind.REMOVE, "d", Set.of()).next()).as("a learner always goes")
                .isEqualTo(ABC);
        assertThat(decide(Configuration.ofVoters(List.of("a")), Kind.REMOVE, "a", Set.of("a")).refusal())
                .as("the last voter").isEqualTo(RaftOperationStatus.TooFewVoters);
        assertThat(decide(ABC, Kind.REMOVE, "z", Set.of("a", "b", "c")).refusal())
                .isEqualTo(RaftOperationStatus.NotAMember);
    }
}
