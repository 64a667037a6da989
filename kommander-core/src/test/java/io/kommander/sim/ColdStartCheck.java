package io.kommander.sim;

/**
 * The first act of a quiet run (nothing misbehaves but clocks): once every partition has its first leader after the
 * cluster's cold start, each was elected in one election, so the highest term any leader sent AppendLogs in is 1.
 * The replica first in the campaign order stands at once and the others wait their turns in the timeout span
 * ({@code Elections#standFirstIfFresh}); two fresh replicas standing together split the vote and need a second term.
 * Issue 14's cold start in miniature: a liveness and efficiency property, not a safety one.
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class ColdStartCheck {

    private final SafetyMonitor monitor;
    private final int partitions;

    /** @param partitions the user partitions (partition 0, the system partition, is checked too) */
    ColdStartCheck(SafetyMonitor monitor, int partitions) {
        this.monitor = monitor;
        this.partitions = partitions;
    }

    /** Checks the terms of the first leaders; run once every partition has one and their AppendLogs went out. */
    void run() {
        for (int p = 0; p <= partitions && !monitor.failed(); p++) {
            long term = monitor.highestTerm(p);
            if (term != 1) {
                monitor.fail("cold start: partition " + p + " got its first leader in term " + term
                        + ": " + term + " elections where 1 was needed");
            }
        }
    }
}
