package io.kommander.internal.partition;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RestoreRetryTest {

    @Test
    void retriesAtOnceThenDoublesThenGivesUpAfterFiveRetriesInARow() {
        RestoreRetry retry = new RestoreRetry(100);
        assertThat(new long[] {retry.failed(), retry.failed(), retry.failed(), retry.failed(), retry.failed()})
                .containsExactly(0, 100, 200, 400, 800);
        assertThat(retry.failed()).isEqualTo(-1);
    }

    @Test
    void aSuccessfulWriteStartsANewRow() {
        RestoreRetry retry = new RestoreRetry(100);
        retry.failed();
        retry.failed();
        retry.writeSucceeded();
        assertThat(retry.failed()).isZero();
        assertThat(retry.failed()).isEqualTo(100);
    }
}
