package io.kommander.sim;

import io.kommander.testing.TestCluster;
import io.kommander.wal.IWAL;

import java.util.Set;

/**
 * Runs the deterministic simulator over an {@link IWAL} of your own: a whole cluster of real nodes on one thread,
 * with virtual time, a faulty network, crashes and restarts, checked for Raft's safety properties, convergence and
 * linearizable client histories (see {@code docs/testing.md} and {@code docs/writing-an-iwal.md}).
 *
 * <p>Each node keeps its synced state in a WAL that {@code wal} opens: {@code wal.open(node, null)} when the run
 * starts, then, after each simulated crash, {@code wal.open(node, previous)} with the previous handle closed; it
 * must open the same storage, holding every write that returned. Unsynced state (compactions, queued writes) is
 * lost or kept by the simulator itself, so the WAL needs no fault injection of its own. Every WAL is closed when
 * the run ends. Use fresh storage for each seed.
 *
 * <p>A seed replays the same run as long as the WAL answers the same way to the same calls; a WAL that answers every
 * call as {@code InMemoryWAL} does runs exactly the run that {@code InMemoryWAL} runs. Each call blocks the
 * simulation's only thread, so a WAL that syncs to a real disk runs a seed in seconds rather than milliseconds.
 */
public final class SimulationRunner {

    private SimulationRunner() {
    }

    /**
     * Runs one seed.
     *
     * @param seed the seed: it decides the cluster size, the faults and every timing
     * @param wal  opens each node's WAL, and reopens it after a crash
     * @return what the run found
     */
    public static Outcome run(long seed, TestCluster.WalFactory wal) {
        SimResult result = new Simulation(seed, Set.of(), wal).run();
        return new Outcome(seed, result.nodes(), result.events(), result.digest(),
                result.failed() ? result.report("SimulationRunner.run(" + seed + ", <the same WAL factory>)") : null);
    }

    /**
     * The outcome of one seed.
     *
     * @param seed    the seed
     * @param nodes   the cluster's size
     * @param events  simulator events run (a few thousand or more in a complete run)
     * @param digest  digest of every traced event: two runs of a seed are the same run if their digests are equal
     * @param failure null if every check held; otherwise the first violation, how to replay it and the events
     *                before it
     */
    public record Outcome(long seed, int nodes, long events, long digest, String failure) {

        /** Whether a check failed. */
        public boolean failed() {
            return failure != null;
        }
    }
}
