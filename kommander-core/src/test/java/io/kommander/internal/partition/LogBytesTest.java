package io.kommander.internal.partition;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The byte count behind a retention in bytes: marked every {@link LogBytes#STEP} entries, never over-counting. */
class LogBytesTest {

    private static LogBytes tenBytesEach(long last) {
        LogBytes bytes = new LogBytes();
        for (long index = 1; index <= last; index++) {
            bytes.append(index, 10);
        }
        return bytes;
    }

    @Test
    void keepsAtLeastTheBytesAskedForBehindTheIndex() {
        LogBytes bytes = tenBytesEach(1_000);
        // Up to 960 (the last mark at or below 1,000), 3,000 bytes are 300 entries: the mark at or below 660 is 640.
        assertThat(bytes.keepingBytesBefore(1_000, 3_000)).isEqualTo(640);
        assertThat(bytes.keepingBytesBefore(1_000, 0)).isEqualTo(960);
        assertThat(bytes.keepingBytesBefore(1_000, 100_000)).isZero();
    }

    @Test
    void compactionAndTruncationForgetWhatTheyRemove() {
        LogBytes bytes = tenBytesEach(1_000);
        bytes.dropThrough(640);
        assertThat(bytes.keepingBytesBefore(1_000, 3_000)).isZero();
        bytes.truncateAfter(700);
        // No mark is left at or below 700: the total restarts from zero, so it counts less, never more.
        for (long index = 701; index <= 1_000; index++) {
            bytes.append(index, 10);
        }
        assertThat(bytes.keepingBytesBefore(1_000, 2_000)).isEqualTo(704);
        bytes.clear();
        assertThat(bytes.keepingBytesBefore(1_000, 0)).isZero();
    }
}
