package io.kommander.sim;

import java.util.List;

/**
 * The outcome of one seed.
 *
 * @param seed           the seed
 * @param mix            the fault mix it ran
 * @param nodes          cluster size
 * @param violation      the first property violated, or null
 * @param digest         digest of every traced event: equal for two runs of one seed
 * @param events         scheduler events run
 * @param virtualMillis  virtual time the run covered
 * @param operations     client operation attempts
 * @param inconclusive   register histories whose linearizability check gave up
 * @param lastEvents     the trace's last lines (for a failure report)
 * @param installs       snapshots nodes installed from a leader
 * @param nodeChanges    node-level membership changes asked (nodes mix): joins, removals, leaves, replacements
 * @param refusedSecond  second changes asked at once that were refused with MembershipChangeInProgress
 * @param quiesces       times a replica quiesced, over every node and lifetime
 * @param wakes          times a quiesced replica woke
 * @param splits         splits asked (membership mix)
 * @param splitsFinished splits finished by the end of the run
 * @param merges         merges asked (membership mix)
 * @param mergesFinished merges finished by the end of the run
 */
record SimResult(long seed, FaultMix mix, int nodes, String violation, long digest, long events, long virtualMillis,
                 int operations, int inconclusive, List<String> lastEvents, int installs,
                 int nodeChanges, int refusedSecond, long quiesces, long wakes, int splits, int splitsFinished,
                 int merges, int mergesFinished) {

    boolean failed() {
        return violation != null;
    }

    /** The command that replays this seed alone. */
    String replayCommand() {
        return "./mvnw -pl kommander-core test -Dtest=SimulationTest -Dkommander.sim.firstSeed=" + seed
                + " -Dkommander.sim.seeds=1";
    }

    /** A readable failure report: what broke, how to replay, and the events before it. */
    String report() {
        return report(replayCommand());
    }

    /** The failure report with another way to replay the seed. */
    String report(String replay) {
        return "seed " + seed + " (" + mix + ", " + nodes + " nodes) violated: " + violation + "\n  replay: "
                + replay + "\n  last events:\n    " + String.join("\n    ", lastEvents);
    }
}
