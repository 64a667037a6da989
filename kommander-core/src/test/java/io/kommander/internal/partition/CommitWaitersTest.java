package io.kommander.internal.partition;

import io.kommander.time.HLCTimestamp;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CommitWaitersTest {

    private final CommitWaiters waiters = new CommitWaiters();

    private static ProposalTracker.Pending write(long requestId, long lastIndex, long deadline) {
        return new ProposalTracker.Pending(requestId, lastIndex, 1, HLCTimestamp.ZERO, deadline);
    }

    private static List<Long> requestIds(List<ProposalTracker.Pending> writes) {
        return writes.stream().map(ProposalTracker.Pending::requestId).toList();
    }

    @Test
    void writesLeaveInIndexOrderThenInTheOrderTheyCame() {
        waiters.add(write(1, 5, 100));
        waiters.add(write(2, 7, 100));
        waiters.add(write(3, 3, 100));
        waiters.add(write(4, 5, 100));
        assertThat(requestIds(waiters.takeThrough(5))).containsExactly(3L, 1L, 4L);
        assertThat(requestIds(waiters.takeThrough(6))).isEmpty();
        assertThat(requestIds(waiters.takeThrough(7))).containsExactly(2L);
        assertThat(waiters.isEmpty()).isTrue();
    }

    @Test
    void manyWritesWrapAroundTheRingAndGrowItInOrder() {
        long request = 0;
        long taken = 0;
        for (long index = 1; index <= 1_000; index++) {
            waiters.add(write(++request, index, 100));
            if (index % 3 == 0) {
                for (ProposalTracker.Pending done : waiters.takeThrough(index - 1)) {
                    assertThat(done.requestId()).isEqualTo(++taken);
                }
            }
        }
        for (ProposalTracker.Pending done : waiters.takeAll()) {
            assertThat(done.requestId()).isEqualTo(++taken);
        }
        assertThat(taken).isEqualTo(1_000);
    }

    @Test
    void knowsWhichIndicesAreWaitedOn() {
        waiters.add(write(1, 2, 100));
        waiters.add(write(2, 4, 100));
        waiters.add(write(3, 4, 100));
        waiters.add(write(4, 9, 100));
        assertThat(waiters.waitsOn(4)).isTrue();
        assertThat(waiters.waitsOn(9)).isTrue();
        assertThat(waiters.waitsOn(2)).isTrue();
        assertThat(waiters.waitsOn(3)).isFalse();
        assertThat(waiters.waitsOn(10)).isFalse();
    }

    @Test
    void expiredWritesLeaveAndTheRestKeepTheirOrder() {
        waiters.add(write(1, 1, 50));
        waiters.add(write(2, 2, 200));
        waiters.add(write(3, 3, 50));
        waiters.add(write(4, 4, 300));
        assertThat(requestIds(waiters.takeExpired(100))).containsExactly(1L, 3L);
        assertThat(requestIds(waiters.takeAll())).containsExactly(2L, 4L);
        assertThat(waiters.takeExpired(1_000)).isEmpty();
    }

    @Test
    void theSharedEmptyTableAnswersWithoutChanging() {
        assertThat(CommitWaiters.EMPTY.takeThrough(10)).isEmpty();
        assertThat(CommitWaiters.EMPTY.takeExpired(10)).isEmpty();
        assertThat(CommitWaiters.EMPTY.takeAll()).isEmpty();
        assertThat(CommitWaiters.EMPTY.waitsOn(1)).isFalse();
        assertThat(CommitWaiters.EMPTY.isEmpty()).isTrue();
    }
}
