package io.kommander.bench.scale;

import java.util.Locale;

/**
 * The elections a node's restart caused, split by whether the restarted node led the partition before it stopped
 * (only those it led need a new leader, so elections anywhere else are the waste to explain) and by phase (while the
 * node was down, or after it came back), with the campaigns behind them while it was down.
 *
 * @param led                partitions the restarted node led before it stopped
 * @param inLed              elections (term rise on a surviving node) in those partitions
 * @param inOthers           elections in the partitions it did not lead
 * @param othersWithElection partitions it did not lead that held at least one election
 * @param ledWithSeveral     partitions it led that needed more than one election (a split vote, a candidate timing
 *                           out) before the restarted node came back
 * @param whileDown          elections from the stop until every partition had a leader again (before the restart)
 * @param campaignsWhileDown campaigns (terms stood in, on the surviving nodes) from the stop until every partition had a
 *                           leader again, and how many of them won: a split vote or a candidate timing out loses
 *                           one; a partition whose leader won and was then deposed wins twice
 */
record RestartElections(int led, long inLed, long inOthers, int othersWithElection, int ledWithSeveral,
                        long whileDown, Campaigns campaignsWhileDown) {

    /** Campaigns started and won over a span. */
    record Campaigns(long started, long won) {

        /** From the node's counters at the span's two ends. */
        static Campaigns between(ScaleCounts from, ScaleCounts to) {
            return new Campaigns(to.electionsStarted() - from.electionsStarted(),
                    to.electionsWon() - from.electionsWon());
        }
    }

    /**
     * From who led what before the stop, and each partition's term on a surviving node before the stop, once every
     * partition had a leader again while the node was down, and after the restart settled.
     */
    static RestartElections of(boolean[] ledBefore, long[] termsBefore, long[] termsLeaderAgain, long[] termsAfter,
                               Campaigns campaignsWhileDown) {
        int led = 0;
        long inLed = 0;
        long inOthers = 0;
        int othersWithElection = 0;
        int ledWithSeveral = 0;
        long whileDown = 0;
        for (int p = 0; p < ledBefore.length; p++) {
            long rise = termsAfter[p] - termsBefore[p];
            long downRise = termsLeaderAgain[p] - termsBefore[p];
            whileDown += downRise;
            if (ledBefore[p]) {
                led++;
                inLed += rise;
                ledWithSeveral += downRise > 1 ? 1 : 0;
            } else {
                inOthers += rise;
                othersWithElection += rise > 0 ? 1 : 0;
            }
        }
        return new RestartElections(led, inLed, inOthers, othersWithElection, ledWithSeveral, whileDown,
                campaignsWhileDown);
    }

    /** Every election. */
    long total() {
        return inLed + inOthers;
    }

    /** The split as a JSON object's fields. */
    String toJson() {
        return String.format(Locale.ROOT, "\"electionsInLed\": %d, \"electionsInOthers\": %d, "
                + "\"othersWithAnElection\": %d, \"ledWithSeveralElections\": %d, \"electionsWhileDown\": %d, "
                + "\"campaignsWhileDown\": %d, \"campaignsWonWhileDown\": %d",
                inLed, inOthers, othersWithElection, ledWithSeveral, whileDown, campaignsWhileDown.started(),
                campaignsWhileDown.won());
    }
}
