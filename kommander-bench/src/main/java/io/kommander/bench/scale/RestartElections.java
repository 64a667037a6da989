package io.kommander.bench.scale;

import java.util.Locale;

/**
 * The elections a node's restart caused, split by whether the restarted node led the partition before it stopped:
 * only those it led need a new leader, so elections anywhere else are the waste to explain.
 *
 * @param led               partitions the restarted node led before it stopped
 * @param inLed             elections (term rise on a surviving node) in those partitions
 * @param inOthers          elections in the partitions it did not lead
 * @param othersWithElection partitions it did not lead that held at least one election
 */
record RestartElections(int led, long inLed, long inOthers, int othersWithElection) {

    /** From who led what before the stop, and each partition's term on a surviving node before and after. */
    static RestartElections of(boolean[] ledBefore, long[] termsBefore, long[] termsAfter) {
        int led = 0;
        long inLed = 0;
        long inOthers = 0;
        int othersWithElection = 0;
        for (int p = 0; p < ledBefore.length; p++) {
            long rise = termsAfter[p] - termsBefore[p];
            if (ledBefore[p]) {
                led++;
                inLed += rise;
            } else {
                inOthers += rise;
                othersWithElection += rise > 0 ? 1 : 0;
            }
        }
        return new RestartElections(led, inLed, inOthers, othersWithElection);
    }

    /** Every election. */
    long total() {
        return inLed + inOthers;
    }

    /** The split as a JSON object's fields. */
    String toJson() {
        return String.format(Locale.ROOT, "\"electionsInLed\": %d, \"electionsInOthers\": %d, "
                + "\"othersWithAnElection\": %d", inLed, inOthers, othersWithElection);
    }
}
