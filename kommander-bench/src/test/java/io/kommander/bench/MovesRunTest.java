package io.kommander.bench;

import io.kommander.bench.moves.MovesResult;
import io.kommander.bench.moves.MovesRun;
import io.kommander.bench.moves.PhaseResult;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.io.OutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class MovesRunTest {

    @Test
    void aShortRunSplitsAndMergesUnderWritesAndFindsEveryAcknowledgedWriteOnce() throws Exception {
        MovesResult result = new MovesRun(2, 4, 500, 1_000, 60_000, new PrintStream(OutputStream.nullOutputStream()))
                .run();

        assertThat(result.phases()).extracting(PhaseResult::name)
                .containsExactly("before", "split", "after", "merge", "final");
        assertThat(result.exactlyOnce()).as(result.check().describe()).isTrue();
        assertThat(result.check().acknowledged()).isPositive();
        String json = result.toJson();
        for (String phase : new String[] {"before", "split", "after", "merge", "final"}) {
            assertThat(json).contains("\"phase\": \"" + phase + "\"");
        }
        assertThat(json).contains("\"exactlyOnce\": true", "\"splitMillis\": ", "\"mergeMillis\": ",
                "\"partitionMovedRefusals\": ");
    }
}
