package io.kommander.bench.capacity;

import io.kommander.bench.node.NodeStats;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JitSettledTest {

    private static NodeStats jit(long millis) {
        return new NodeStats(0, millis, 0, 0, 0, 0, 0, 0, new BitSet(), new BitSet(), new BitSet(), new BitSet(),
                false);
    }

    @Test
    void settledOnlyWhenNoNodeCompiledOverOnePercentOfTheInterval() {
        assertThat(JitSettled.settledSince(List.of(jit(100), jit(100)), List.of(jit(150), jit(110)), 5_000))
                .isTrue(); // 50 ms of 5 s: exactly 1 %
        assertThat(JitSettled.settledSince(List.of(jit(100), jit(100)), List.of(jit(110), jit(151)), 5_000))
                .isFalse(); // the second node compiled 51 ms
        assertThat(JitSettled.settledSince(List.of(jit(0)), List.of(jit(0)), 0)).isFalse(); // no interval yet
    }

    @Test
    void theFirstAskOnlyTakesAReadingAndEachAskComparesWithThePreviousOne() {
        Deque<List<NodeStats>> readings = new ArrayDeque<>(List.of(List.of(jit(0)), List.of(jit(500)),
                List.of(jit(510))));
        Deque<Long> clock = new ArrayDeque<>(List.of(0L, 5_000_000_000L, 10_000_000_000L));
        JitSettled settled = new JitSettled(readings::poll, clock::poll);

        assertThat(settled.getAsBoolean()).isFalse(); // first reading
        assertThat(settled.getAsBoolean()).isFalse(); // 500 ms compiling in 5 s
        assertThat(settled.getAsBoolean()).isTrue();  // 10 ms in 5 s
    }
}
