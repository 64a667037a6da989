package io.kommander.wal;

import io.kommander.time.HLCTimestamp;

/** Timestamps for test entries. */
public final class HLCTimestampFixture {
    private HLCTimestampFixture() {
    }

    /** A distinct timestamp per number. */
    public static HLCTimestamp at(long n) {
        return new HLCTimestamp(1_000 + n, n, (int) (n % 3) + 1);
    }
}
