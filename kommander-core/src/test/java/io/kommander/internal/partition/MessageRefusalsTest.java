package io.kommander.internal.partition;

import io.kommander.internal.partition.MessageRefusals.Reason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MessageRefusalsTest {

    @Test
    void countsEachReasonAndTheTotal() {
        MessageRefusals refusals = new MessageRefusals();
        refusals.record(Reason.STALE_TERM);
        refusals.record(Reason.STALE_TERM);
        refusals.record(Reason.UNEXPECTED_FOR_ROLE);
        assertThat(refusals.count(Reason.STALE_TERM)).isEqualTo(2);
        assertThat(refusals.count(Reason.UNEXPECTED_FOR_ROLE)).isEqualTo(1);
        assertThat(refusals.count(Reason.LEADER_LEASE)).isZero();
        assertThat(refusals.total()).isEqualTo(3);
    }
}
