package io.kommander.transport.netty;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {

    @Test
    void delaysDoubleWithJitterUpToTheCapAndRestartAfterReset() {
        Backoff backoff = new Backoff(100, 1000, new SplittableRandom(1));
        long[] ceilings = {100, 200, 400, 800, 1000, 1000, 1000};
        for (long ceiling : ceilings) {
            assertThat(backoff.nextDelayMillis()).isBetween(ceiling / 2, ceiling);
        }
        backoff.reset();
        assertThat(backoff.nextDelayMillis()).isBetween(50L, 100L);
    }

    @Test
    void jitterSpreadsDelays() {
        Backoff backoff = new Backoff(1000, 1000, new SplittableRandom(3));
        long first = backoff.nextDelayMillis();
        boolean differs = false;
        for (int i = 0; i < 20 && !differs; i++) {
            differs = backoff.nextDelayMillis() != first;
        }
        assertThat(differs).isTrue();
    }

    @Test
    void manyFailuresNeverOverflow() {
        Backoff backoff = new Backoff(1, Long.MAX_VALUE / 4, new SplittableRandom(5));
        for (int i = 0; i < 200; i++) {
            assertThat(backoff.nextDelayMillis()).isBetween(0L, Long.MAX_VALUE / 4);
        }
    }

    @Test
    void invalidBoundsAreRefused() {
        assertThatThrownBy(() -> new Backoff(0, 10, new SplittableRandom())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(10, 5, new SplittableRandom())).isInstanceOf(IllegalArgumentException.class);
    }
}
