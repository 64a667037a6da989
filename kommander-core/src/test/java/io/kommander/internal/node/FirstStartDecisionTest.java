package io.kommander.internal.node;

import io.kommander.internal.node.FirstStartDecision.Outcome;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class FirstStartDecisionTest {

    private final FirstStartDecision decision = new FirstStartDecision(Set.of("a", "b", "c"));

    @Test
    void aMajorityReportingNoEntriesIsAFirstStart() {
        assertThat(decision.report("a", false)).isEqualTo(Outcome.PENDING);
        assertThat(decision.unheard()).containsExactlyInAnyOrder("b", "c");
        assertThat(decision.report("b", false)).isEqualTo(Outcome.FIRST_START);
        assertThat(decision.report("c", true)).as("final once decided").isEqualTo(Outcome.FIRST_START);
    }

    @Test
    void oneMemberReportingEntriesMeansCatchingUp() {
        decision.report("a", false);
        assertThat(decision.report("c", true)).isEqualTo(Outcome.CATCH_UP);
        assertThat(decision.report("b", false)).isEqualTo(Outcome.CATCH_UP);
    }

    @Test
    void onlyTheFirstReportOfAMemberCountsAndStrangersNotAtAll() {
        decision.report("a", false);
        assertThat(decision.report("a", false)).isEqualTo(Outcome.PENDING);
        assertThat(decision.report("z", false)).isEqualTo(Outcome.PENDING);
        assertThat(decision.report("b", true)).isEqualTo(Outcome.CATCH_UP);
    }

    @Test
    void aNodeThatHeldEntriesItselfCatchesUp() {
        assertThat(decision.report("a", true)).isEqualTo(Outcome.CATCH_UP);
    }
}
