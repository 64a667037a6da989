package io.kommander.bench.moves;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.PartitionState;
import io.kommander.bench.system.BoundedWait;
import io.kommander.bench.system.DataDirs;
import io.kommander.bench.system.FreePorts;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * One {@code moves} run: three nodes, keyed clients, then a warm-up, a "before" window, a split of partition 1 at the
 * middle of its range (the "split" phase lasts from the call until node 0's map shows both halves ACTIVE), an
 * "after" window, the merge of the two halves back (the "merge" phase lasts until the map shows the new half
 * REMOVED) and a "final" window; at the end, every acknowledged write must be applied exactly once, in the partition
 * that owns its key, on every node.
 */
public final class MovesRun {

    private static final int NODES = 3;
    private static final int SOURCE = 1;
    private static final long POLL_MILLIS = 1;

    private final int partitions;
    private final int clients;
    private final long warmupMillis;
    private final long windowMillis;
    private final long timeoutMillis;
    private final PrintStream progress;

    /**
     * @param partitions   routed user partitions at the start (at least 1)
     * @param clients      client threads, one write in flight each
     * @param warmupMillis discarded warm-up
     * @param windowMillis each of the before, after and final windows
     * @param timeoutMillis bound of every wait (start, split, merge, convergence)
     * @param progress     where progress and the table go (stderr, so that stdout stays JSON)
     */
    public MovesRun(int partitions, int clients, long warmupMillis, long windowMillis, long timeoutMillis,
                    PrintStream progress) {
        this.partitions = partitions;
        this.clients = clients;
        this.warmupMillis = warmupMillis;
        this.windowMillis = windowMillis;
        this.timeoutMillis = timeoutMillis;
        this.progress = progress;
    }

    /** Runs it and returns the result; the data folder is removed afterwards. */
    public MovesResult run() throws Exception {
        Path dir = Files.createTempDirectory("kommander-moves-");
        try (MovesCluster cluster = new MovesCluster(NODES, partitions, FreePorts.take(NODES), dir)) {
            cluster.start(timeoutMillis);
            await("every partition led", () -> cluster.map().partitions().size() >= partitions
                    && cluster.map().partitions().stream().allMatch(p -> cluster.leaderOf(p.id()) >= 0));
            List<PhaseResult> phases = new ArrayList<>();
            KeyedWriters writers = new KeyedWriters(cluster, clients);
            long splitMillis;
            long mergeMillis;
            try {
                writers.start();
                Thread.sleep(warmupMillis);
                writers.cut("warmup", warmupMillis);
                phases.add(window(writers, "before"));

                PartitionRange range = cluster.map().partition(SOURCE).orElseThrow().range();
                long boundary = range.first() + ((range.last() - range.first()) >>> 1) + 1;
                long asked = System.nanoTime();
                PartitionChangeResult split = cluster.node(1).splitPartition(SOURCE, boundary)
                        .get(timeoutMillis, TimeUnit.MILLISECONDS);
                if (!split.success()) {
                    throw new IllegalStateException("the split failed: " + split.status());
                }
                int target = split.partitionId();
                await("both halves ACTIVE", () -> active(cluster.map(), SOURCE) && active(cluster.map(), target));
                splitMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
                phases.add(writers.cut("split", splitMillis));
                progress.printf(Locale.ROOT, "split of %d into %d took %d ms%n", SOURCE, target, splitMillis);
                phases.add(window(writers, "after"));

                asked = System.nanoTime();
                PartitionChangeResult merge = cluster.node(2).mergePartitions(SOURCE, target)
                        .get(timeoutMillis, TimeUnit.MILLISECONDS);
                if (!merge.success()) {
                    throw new IllegalStateException("the merge failed: " + merge.status());
                }
                await("the new half REMOVED", () -> active(cluster.map(), SOURCE) && cluster.map().partition(target)
                        .map(p -> p.state() == PartitionState.REMOVED).orElse(true));
                mergeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
                phases.add(writers.cut("merge", mergeMillis));
                progress.printf(Locale.ROOT, "merge of %d into %d took %d ms%n", target, SOURCE, mergeMillis);
                phases.add(window(writers, "final"));
            } finally {
                writers.close();
            }
            ExactlyOnce check = ExactlyOnce.check(cluster, writers.acknowledged(), timeoutMillis);
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            MovesResult result = new MovesResult(NODES, partitions, clients, phases, splitMillis, mergeMillis,
                    writers.errorsByStatus(), check, load);
            phases.forEach(p -> progress.println(p.toLine()));
            progress.println("writes with an unknown outcome, by status: " + writers.errorsByStatus());
            progress.println("tries refused unappended (or waits for a leader) and retried, by status: " + writers.retriesByStatus());
            progress.println(check.describe());
            return result;
        } finally {
            DataDirs.delete(dir);
        }
    }

    private PhaseResult window(KeyedWriters writers, String name) throws InterruptedException {
        Thread.sleep(windowMillis);
        return writers.cut(name, windowMillis);
    }

    private static boolean active(PartitionMap map, int partition) {
        return map.partition(partition).map(p -> p.state() == PartitionState.ACTIVE).orElse(false);
    }

    private void await(String what, BooleanSupplier condition) throws TimeoutException {
        if (!BoundedWait.until(condition, timeoutMillis, POLL_MILLIS)) {
            throw new TimeoutException("not within " + timeoutMillis + " ms: " + what);
        }
    }
}
