package io.kommander.bench.system;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BoundedStopTest {

    @Test
    void aStopThatEndsIsWaitedFor() {
        AtomicBoolean stopped = new AtomicBoolean();

        boolean ended = BoundedStop.run("test-stop", Duration.ofSeconds(30), () -> stopped.set(true));

        assertThat(ended).isTrue();
        assertThat(stopped).isTrue();
    }

    @Test
    void aStopThatHangsIsLeftBehindAfterTheBound() {
        CountDownLatch release = new CountDownLatch(1);

        boolean ended = BoundedStop.run("test-stop-hangs", Duration.ofMillis(50), () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        assertThat(ended).isFalse();
        release.countDown();
    }

    @Test
    void whatAStopThrowsReachesTheCaller() {
        assertThatThrownBy(() -> BoundedStop.run("test-stop-fails", Duration.ofSeconds(30), () -> {
            throw new IllegalStateException("closing failed");
        })).isInstanceOf(IllegalStateException.class).hasMessage("closing failed");
    }
}
