package io.kommander.internal.runtime;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link FairQueue}'s size: what the WAL queue-depth gauge reads. */
class FairQueueTest {

    private final FairQueue<String> queue = new FairQueue<>();

    @Test
    void sizeCountsItemsQueuedAndNotYetTakenOrDrained() {
        queue.add(1, "a1");
        queue.add(1, "a2");
        queue.add(2, "b1");
        queue.add(3, "c1");
        assertThat(queue.size()).isEqualTo(4);

        List<FairQueue.Batch<String>> taken = queue.take(1, 1);
        assertThat(taken).containsExactly(new FairQueue.Batch<>(1, List.of("a1")));
        assertThat(queue.size()).isEqualTo(3);

        assertThat(queue.drain(2)).containsExactly("b1");
        assertThat(queue.size()).isEqualTo(2);

        queue.complete(1);
        queue.take(8, 8);
        assertThat(queue.size()).isZero();
    }
}
