package io.kommander.internal.partition;

/**
 * When a partition whose WAL failed restores again: at once after the first failure, then after a back-off that
 * starts at {@code baseMillis} and doubles, and never after {@link #MAX_RETRIES} failures in a row. Only a
 * successful write ends a row: a restore that reads well but whose next write fails again (a full disk) counts, so
 * a persistent error cannot loop restore, fail, restore.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class RestoreRetry {

    /** Restores after failures in a row before the partition gives up. */
    static final int MAX_RETRIES = 5;

    private final long baseMillis;
    private int failuresInARow;

    /** @param baseMillis the second retry's delay; each later one doubles it */
    RestoreRetry(long baseMillis) {
        this.baseMillis = baseMillis;
    }

    /** A WAL read or write failed: returns the delay before the next restore, or -1 to give up. */
    long failed() {
        failuresInARow++;
        if (failuresInARow > MAX_RETRIES) {
            return -1;
        }
        return failuresInARow == 1 ? 0 : baseMillis << (failuresInARow - 2);
    }

    /** A write became durable: the WAL works, so the next failure starts a new row. */
    void writeSucceeded() {
        failuresInARow = 0;
    }
}
