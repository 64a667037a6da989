package io.kommander.bench;

import io.kommander.bench.load.RunResult;
import io.kommander.bench.load.Verdict;
import io.kommander.bench.report.ResultTable;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VerdictTest {

    private static RunResult run(long acknowledged, long errors, boolean verified) {
        return new RunResult("ratis", 3, 16, 256, 4, 16, acknowledged / 5.0, 1, 2, 3, acknowledged, errors, true, verified,
                50, "one", "ratis: config");
    }

    @Test
    void aVerifiedRunWithAcknowledgedWritesAndNoErrorsPasses() {
        assertThat(run(1000, 0, true).verdict()).isEqualTo(Verdict.PASS);
        assertThat(run(1000, 0, true).passed()).isTrue();
    }

    @Test
    void aRunThatAcknowledgedNothingIsNotAPassEvenThoughVerifiedHoldsVacuously() {
        RunResult empty = run(0, 234, true);

        assertThat(empty.verdict()).isEqualTo(Verdict.NO_ACKS);
        assertThat(empty.passed()).isFalse();
        assertThat(ResultTable.text(List.of(empty))).contains("NO-ACKS");
    }

    @Test
    void aVerifiedRunWithFailedWritesIsFlagged() {
        assertThat(run(1000, 3, true).verdict()).isEqualTo(Verdict.ERRORS);
    }

    @Test
    void aClusterThatDidNotStartGivesARowThatSaysWhy() {
        RunResult notStarted = RunResult.notStarted("sofajraft", 3,
                new io.kommander.bench.load.Workload(256, 64, 4, 16, java.time.Duration.ofSeconds(5),
                        java.time.Duration.ofSeconds(2), 0),
                "one", "IllegalStateException: No space left on device");

        assertThat(notStarted.verdict()).isEqualTo(Verdict.NO_START);
        assertThat(notStarted.configuration()).contains("did not start", "No space left on device");
        assertThat(ResultTable.text(List.of(notStarted))).contains("NO-START");
    }

    @Test
    void anUnverifiedRunIsReportedAsSuchWhateverElseWentWrong() {
        assertThat(run(0, 5, false).verdict()).isEqualTo(Verdict.UNVERIFIED);
    }
}
