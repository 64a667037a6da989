package io.kommander.transport.netty;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class FrameRateLimiterTest {

    @Test
    void allowsABurstOfOneSecondThenRefillsWithTime() {
        AtomicLong now = new AtomicLong(5_000_000_000L);
        FrameRateLimiter limiter = new FrameRateLimiter(10, now::get);
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.tryAcquire()).isTrue();
        }
        assertThat(limiter.tryAcquire()).isFalse();
        now.addAndGet(100_000_000L);
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
        now.addAndGet(60_000_000_000L);
        int allowed = 0;
        while (limiter.tryAcquire()) {
            allowed++;
        }
        assertThat(allowed).isEqualTo(10);
    }
}
