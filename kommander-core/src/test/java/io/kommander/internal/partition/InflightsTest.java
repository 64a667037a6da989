package io.kommander.internal.partition;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InflightsTest {

    @Test
    void windowIsFullAtCapacityAndRefusesMore() {
        Inflights inflights = new Inflights(3);
        inflights.add(10);
        inflights.add(20);
        assertThat(inflights.full()).isFalse();

        inflights.add(30);

        assertThat(inflights.full()).isTrue();
        assertThat(inflights.count()).isEqualTo(3);
        assertThatThrownBy(() -> inflights.add(40)).isInstanceOf(IllegalStateException.class);
        assertThat(inflights.count()).isEqualTo(3);
    }

    @Test
    void acknowledgementFreesEveryMessageAtOrBelowItsIndexAndNoLaterOne() {
        Inflights inflights = new Inflights(4);
        inflights.add(10);
        inflights.add(20);
        inflights.add(30);

        inflights.freeThrough(5);
        assertThat(inflights.count()).isEqualTo(3);

        inflights.freeThrough(25);
        assertThat(inflights.count()).isEqualTo(1);

        inflights.freeThrough(30);
        assertThat(inflights.count()).isZero();
    }

    @Test
    void freedSlotsAreReusedAcrossTheRingsEnd() {
        Inflights inflights = new Inflights(3);
        inflights.add(1);
        inflights.add(2);
        inflights.add(3);
        inflights.freeThrough(2);

        inflights.add(4);
        inflights.add(5);

        assertThat(inflights.full()).isTrue();
        inflights.freeThrough(3);
        assertThat(inflights.count()).isEqualTo(2);
        inflights.freeThrough(4);
        assertThat(inflights.count()).isEqualTo(1);
        inflights.freeThrough(5);
        assertThat(inflights.count()).isZero();
    }

    @Test
    void clearEmptiesTheWindow() {
        Inflights inflights = new Inflights(2);
        inflights.add(7);
        inflights.add(8);

        inflights.clear();

        assertThat(inflights.count()).isZero();
        assertThat(inflights.full()).isFalse();
        inflights.add(9);
        inflights.freeThrough(8);
        assertThat(inflights.count()).isEqualTo(1);
    }

    @Test
    void windowGrowingWhileWrappedKeepsTheMessagesInOrder() {
        Inflights inflights = new Inflights(64);
        for (long i = 1; i <= 4; i++) {
            inflights.add(i);
        }
        inflights.freeThrough(2);
        inflights.add(5);
        inflights.add(6);

        inflights.add(7);

        assertThat(inflights.count()).isEqualTo(5);
        inflights.freeThrough(4);
        assertThat(inflights.count()).isEqualTo(3);
        inflights.freeThrough(6);
        assertThat(inflights.count()).isEqualTo(1);
    }

    @Test
    void releaseKeepsWhatIsStillInFlight() {
        Inflights inflights = new Inflights(5);
        inflights.add(1);
        inflights.add(2);

        inflights.release();

        assertThat(inflights.count()).isEqualTo(2);
        inflights.freeThrough(1);
        assertThat(inflights.count()).isEqualTo(1);
    }

    @Test
    void releasedWindowFillsAgainToItsCapacity() {
        Inflights inflights = new Inflights(5);
        inflights.add(1);
        inflights.add(2);
        inflights.freeThrough(2);

        inflights.release();

        for (long i = 3; i <= 7; i++) {
            inflights.add(i);
        }
        assertThat(inflights.full()).isTrue();
        inflights.freeThrough(6);
        assertThat(inflights.count()).isEqualTo(1);
    }
}
