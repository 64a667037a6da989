package io.kommander.internal.partition;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FollowerProgressTest {

    @Test
    void probeSendsOneAppendAtATime() {
        FollowerProgress pr = new FollowerProgress("b", 5, 2, 0);
        assertThat(pr.state).isEqualTo(FollowerProgress.State.PROBE);
        assertThat(pr.canSendEntries()).isTrue();
        pr.probeSent = true;
        assertThat(pr.canSendEntries()).isFalse();
    }

    @Test
    void replicatePipelinesUpToTheWindow() {
        FollowerProgress pr = new FollowerProgress("b", 5, 2, 0);
        pr.matchIndex = 4;
        pr.becomeReplicate();
        assertThat(pr.nextIndex).isEqualTo(5);
        pr.inflights.add(6);
        assertThat(pr.canSendEntries()).isTrue();
        pr.inflights.add(8);
        assertThat(pr.canSendEntries()).isFalse();
        pr.inflights.freeThrough(6);
        assertThat(pr.canSendEntries()).isTrue();
    }

    @Test
    void becomingProbeRestartsFromTheMatchAndEmptiesTheWindow() {
        FollowerProgress pr = new FollowerProgress("b", 5, 2, 0);
        pr.matchIndex = 4;
        pr.becomeReplicate();
        pr.inflights.add(6);
        pr.nextIndex = 7;
        pr.becomeProbe();
        assertThat(pr.state).isEqualTo(FollowerProgress.State.PROBE);
        assertThat(pr.nextIndex).isEqualTo(5);
        assertThat(pr.inflights.count()).isZero();
        assertThat(pr.probeSent).isFalse();
    }
}
