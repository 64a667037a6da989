package io.kommander.internal.partition;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReadIndexTrackerTest {

    private final ReadIndexTracker tracker = new ReadIndexTracker();

    @Test
    void roundNeedsAQuorumOfDistinctAcknowledgements() {
        tracker.request(1);
        long round = tracker.startRound(10, "a");

        assertThat(tracker.acknowledge("b", round, 3)).isFalse();
        assertThat(tracker.acknowledge("b", round, 3)).isFalse();
        assertThat(tracker.acknowledge("c", round, 3)).isTrue();
    }

    @Test
    void callersArrivingWhileARoundIsOutShareTheNextRound() {
        tracker.request(1);
        assertThat(tracker.canStartRound()).isTrue();
        long first = tracker.startRound(10, "a");
        tracker.request(2);
        tracker.request(3);

        assertThat(tracker.canStartRound()).isFalse();
        assertThat(tracker.acknowledge("b", first, 2)).isTrue();
        assertThat(tracker.canStartRound()).isTrue();
        long second = tracker.startRound(12, "a");
        assertThat(second).isEqualTo(first + 1).isEqualTo(tracker.currentRound());
        assertThat(tracker.acknowledge("b", second, 2)).isTrue();

        assertThat(tracker.takeApplied(12)).containsExactly(1L, 2L, 3L);
    }

    @Test
    void acknowledgementOfAnEarlierRoundDoesNotConfirmTheCurrentOne() {
        tracker.request(1);
        long first = tracker.startRound(10, "a");
        tracker.acknowledge("b", first, 2);
        tracker.request(2);
        long second = tracker.startRound(11, "a");

        assertThat(tracker.acknowledge("b", first, 2)).isFalse();
        assertThat(tracker.acknowledge("b", second, 2)).isTrue();
    }

    @Test
    void acknowledgementWithNoRoundOutIsIgnored() {
        assertThat(tracker.acknowledge("b", 0, 1)).isFalse();
        assertThat(tracker.canStartRound()).isFalse();
    }

    @Test
    void confirmedReadsAnswerOnlyOnceAppliedReachesTheirReadIndex() {
        tracker.request(1);
        tracker.acknowledge("b", tracker.startRound(10, "a"), 2);
        tracker.request(2);
        tracker.acknowledge("b", tracker.startRound(15, "a"), 2);

        assertThat(tracker.takeApplied(9)).isEmpty();
        assertThat(tracker.takeApplied(14)).containsExactly(1L);
        assertThat(tracker.takeApplied(14)).isEmpty();
        assertThat(tracker.takeApplied(15)).containsExactly(2L);
    }

    @Test
    void losingLeadershipTakesEveryPendingRequestAndEndsTheRound() {
        tracker.request(1);
        tracker.acknowledge("b", tracker.startRound(10, "a"), 2);
        tracker.request(2);
        long out = tracker.startRound(11, "a");
        tracker.request(3);

        assertThat(tracker.takeAll()).containsExactlyInAnyOrder(1L, 2L, 3L);

        assertThat(tracker.acknowledge("b", out, 2)).isFalse();
        assertThat(tracker.takeApplied(Long.MAX_VALUE)).isEmpty();
        assertThat(tracker.takeAll()).isEmpty();
        assertThat(tracker.canStartRound()).isFalse();
    }
}
