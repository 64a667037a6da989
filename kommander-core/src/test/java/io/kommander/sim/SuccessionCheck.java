package io.kommander.sim;

import io.kommander.internal.partition.RaftPartition;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The last act of a quiet run (nothing misbehaves but clocks): the node leading the most partitions crashes, and
 * <ul>
 *   <li>each partition it led has a new leader within {@link #BOUND_MILLIS}, elected in one election: the
 *       highest term any leader sent AppendLogs in rises by exactly one (a split vote, or two replicas standing one
 *       after the other, raises it by more);</li>
 *   <li>each partition it did not lead keeps its leader: no election at all;</li>
 * </ul>
 * and both still hold {@link #STABLE_MILLIS} later. This is issue 14's target (after one node's restart, no more
 * elections than the partitions it led) in miniature: a liveness and efficiency property, not a safety one, held by
 * the campaign order ({@code CampaignOrder}).
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class SuccessionCheck {

    /**
     * Node liveness suspects the crashed node after an election timeout (100 to 200 ms here) and a tick; the
     * successor then stands at once, or a follower that was awake times out within 200 ms; a pre-vote and a vote
     * round follow: far below this.
     */
    static final long BOUND_MILLIS = 1_000;
    /** How long after every partition has a leader again the terms must stay put: two election timeouts. */
    static final long STABLE_MILLIS = 400;

    /** Runs the simulation until {@code done} or for {@code millis}; false if not done (or a violation). */
    interface Runner {
        boolean runUntil(BooleanSupplier done, long millis);
    }

    private final SafetyMonitor monitor;
    private final List<SimNode> nodes;
    private final int partitions;
    private final Runner runner;

    /** @param partitions the user partitions (partition 0, the system partition, is checked too) */
    SuccessionCheck(SafetyMonitor monitor, List<SimNode> nodes, int partitions, Runner runner) {
        this.monitor = monitor;
        this.nodes = nodes;
        this.partitions = partitions;
        this.runner = runner;
    }

    /** Crashes the node leading the most partitions and checks the succession. */
    void run() {
        SimNode victim = null;
        int most = 0;
        for (SimNode node : nodes) {
            int led = led(node);
            if (led > most) {
                most = led;
                victim = node;
            }
        }
        if (victim == null) {
            monitor.fail("succession: no node leads a partition at the end of a quiet run");
            return;
        }
        boolean[] ledByVictim = new boolean[partitions + 1];
        long[] termsBefore = new long[partitions + 1];
        for (int p = 0; p <= partitions; p++) {
            ledByVictim[p] = leads(victim, p);
            termsBefore[p] = monitor.highestTerm(p);
        }
        // From now on elections are expected: the quiet run's frozen leaders thaw.
        monitor.thawLeaders();
        victim.crash(partitions);
        if (!runner.runUntil(this::everyPartitionLed, BOUND_MILLIS)) {
            monitor.fail("succession: not every partition has a leader " + BOUND_MILLIS + " ms after n"
                    + victim.index() + " (leading " + most + " partitions) crashed");
            return;
        }
        runner.runUntil(() -> false, STABLE_MILLIS);
        for (int p = 0; p <= partitions && !monitor.failed(); p++) {
            long elections = monitor.highestTerm(p) - termsBefore[p];
            long expected = ledByVictim[p] ? 1 : 0;
            if (elections != expected) {
                monitor.fail("succession: partition " + p + " went from term " + termsBefore[p] + " to "
                        + monitor.highestTerm(p) + " after n" + victim.index() + (ledByVictim[p] ? ", its leader,"
                        : ", a follower,") + " crashed: " + elections + " elections where " + expected
                        + " was needed");
            }
        }
    }

    private int led(SimNode node) {
        int led = 0;
        for (int p = 0; p <= partitions; p++) {
            led += leads(node, p) ? 1 : 0;
        }
        return led;
    }

    private static boolean leads(SimNode node, int p) {
        RaftPartition partition = node.state() == SimNode.State.UP ? node.partition(p) : null;
        return partition != null && partition.isLeaderQuick();
    }

    private boolean everyPartitionLed() {
        for (int p = 0; p <= partitions; p++) {
            int partition = p;
            if (nodes.stream().noneMatch(node -> leads(node, partition))) {
                return false;
            }
        }
        return true;
    }
}
