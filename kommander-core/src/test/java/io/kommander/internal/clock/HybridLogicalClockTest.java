package io.kommander.internal.clock;

import io.kommander.time.HLCTimestamp;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class HybridLogicalClockTest {

    private final AtomicLong physical = new AtomicLong(1_000);

    @Test
    void readingsCarryTheNodeAndNeverGoBackWhenThePhysicalClockDoes() {
        HybridLogicalClock clock = new HybridLogicalClock(physical::get, 3);
        HLCTimestamp first = clock.now();
        physical.set(900);
        HLCTimestamp second = clock.now();
        assertThat(first).isEqualTo(new HLCTimestamp(1_000, 0, 3));
        assertThat(second).isEqualTo(new HLCTimestamp(1_000, 1, 3));
    }

    @Test
    void twoNodesWhoseClocksReadTheSameIssueDifferentTimestamps() {
        HLCTimestamp a = new HybridLogicalClock(physical::get, 1).now();
        HLCTimestamp b = new HybridLogicalClock(physical::get, 2).now();
        assertThat(a).isNotEqualTo(b).isLessThan(b);
    }

    @Test
    void afterTakingInAReadingFromAheadItsReadingsFollowIt() {
        HybridLogicalClock behind = new HybridLogicalClock(physical::get, 2);
        HLCTimestamp ahead = new HLCTimestamp(5_000, 7, 1);
        behind.receive(ahead);
        physical.set(5_000);
        assertThat(behind.now()).isGreaterThan(ahead).isEqualTo(new HLCTimestamp(5_000, 9, 2));
    }

    @Test
    void orderIsPhysicalThenCounterThenNode() {
        assertThat(new HLCTimestamp(1, 5, 9)).isLessThan(new HLCTimestamp(2, 0, 0));
        assertThat(new HLCTimestamp(1, 5, 9)).isLessThan(new HLCTimestamp(1, 6, 0));
        assertThat(new HLCTimestamp(1, 5, 1)).isLessThan(new HLCTimestamp(1, 5, 2));
        assertThat(HLCTimestamp.ZERO.isZero()).isTrue();
        assertThat(new HLCTimestamp(0, 0, 1).isZero()).isFalse();
    }
}
