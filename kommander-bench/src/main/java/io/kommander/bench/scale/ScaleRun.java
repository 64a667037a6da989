package io.kommander.bench.scale;

import io.kommander.bench.system.BoundedWait;
import io.kommander.bench.system.DataDirs;
import io.kommander.bench.system.FreePorts;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One {@code scale} measurement: a cold start of N partitions on three nodes (time until every partition has a
 * leader), an idle window (CPU per node, replicas quiesced), the heap per replica after a full GC against the
 * baseline taken before any node started, then one node stopped and restarted (elections, time until settled); or
 * the cold start alone.
 *
 * <p>Not thread-safe: one run at a time.
 */
public final class ScaleRun {

    private static final int NODES = 3;
    /** The node stopped and restarted: any will do; the last one is never the first to have started. */
    private static final int RESTARTED = NODES - 1;

    /** How often a wait looks again: the times measured are this coarse. */
    private static final long POLL_MILLIS = 200;

    private final int partitions;
    private final Integer quiesceAfter;
    private final long idleMillis;
    private final long settleMillis;
    private final long timeoutMillis;
    private final boolean coldStartOnly;
    private final PrintStream progress;

    /**
     * @param quiesceAfter {@code quiesceAfterHeartbeats}, or null for the library's default
     * @param settleMillis idle time before the CPU window (partitions quiesce in it)
     * @param idleMillis   the CPU window
     * @param coldStartOnly stop after the cold start (no idle window, heap or restart): a quicker paired measure
     * @param progress     where progress lines go (stderr, so that stdout stays JSON)
     */
    public ScaleRun(int partitions, Integer quiesceAfter, long settleMillis, long idleMillis, long timeoutMillis,
                    boolean coldStartOnly, PrintStream progress) {
        this.coldStartOnly = coldStartOnly;
        this.partitions = partitions;
        this.quiesceAfter = quiesceAfter;
        this.settleMillis = settleMillis;
        this.idleMillis = idleMillis;
        this.timeoutMillis = timeoutMillis;
        this.progress = progress;
    }

    /** Runs it; the data folder is removed afterwards. */
    public String run() throws Exception {
        Path dir = Files.createTempDirectory("kommander-scale-");
        int[] ports = FreePorts.take(NODES);
        long baseline = heapAfterGc();
        try (ScaleCluster cluster = new ScaleCluster(NODES, partitions, quiesceAfter, ports, dir)) {
            long start = System.nanoTime();
            long elected;
            long joinedMillis;
            ScaleCounts coldStart;
            try (ScaleTimeline timeline = new ScaleTimeline("cold start", cluster, progress)) {
                cluster.startAll(timeoutMillis);
                joinedMillis = millisSince(start);
                progress.printf("[scale] %d partitions: every node joined after %d ms%n", partitions, joinedMillis);
                await("every partition has a leader", () -> cluster.ledPartitions() == partitions);
                elected = millisSince(start);
                coldStart = cluster.counts();
            }
            progress.printf("[scale] %d partitions: all leaders elected in %d ms, %s%n", partitions, elected,
                    coldStart.toJson());
            if (coldStartOnly) {
                return String.format(java.util.Locale.ROOT, "{\"partitions\": %d, \"nodes\": %d, "
                                + "\"joinedMillis\": %d, \"allLeadersElectedMillis\": %d, \"coldStart\": {%s}, "
                                + "\"loadAverage\": %.2f}", partitions, NODES, joinedMillis, elected, coldStart.toJson(),
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            }

            Thread.sleep(settleMillis);
            // The idle window and the restart start from a settled cluster: each partition led by its preferred
            // leader, as the balancer places and hands them over (bounded: the figures below say how many are).
            long preferredStart = System.nanoTime();
            boolean preferred = BoundedWait.until(() -> cluster.ledByPreferred() == partitions, timeoutMillis,
                    POLL_MILLIS);
            progress.printf("[scale] %s led by their preferred leader %d ms after the settle pause%n",
                    preferred ? "every partition" : "not every partition", millisSince(preferredStart));
            NodeCpu cpu = new NodeCpu(prefixes(ports));
            long[] before = cpu.sample();
            long windowStart = System.nanoTime();
            Thread.sleep(idleMillis);
            long[] after = cpu.sample();
            long window = System.nanoTime() - windowStart;
            double[] perNode = new double[NODES];
            for (int i = 0; i < NODES; i++) {
                perNode[i] = (after[i] - before[i]) / (double) window;
            }
            double process = (after[NODES] - before[NODES]) / (double) window;
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            int quiesced = cluster.quiescedReplicas();
            progress.printf("[scale] idle CPU per node %s cores, process %.3f cores, %d replicas quiesced, load %.1f, "
                    + "%d partitions led by their preferred leader%n", java.util.Arrays.toString(perNode), process,
                    quiesced, load, cluster.ledByPreferred());

            double heapPerReplica = (heapAfterGc() - baseline) / (double) (NODES * partitions);
            progress.printf("[scale] heap per replica %.0f bytes%n", heapPerReplica);

            boolean[] ledBefore = cluster.ledByEach(RESTARTED);
            long[] termsBefore = cluster.terms(0);
            long[] termsLeaderAgain;
            RestartElections.Campaigns campaignsWhileDown;
            ScaleCounts atStop = cluster.counts();
            long stop = System.nanoTime();
            long leaderless;
            long settled;
            try (ScaleTimeline timeline = new ScaleTimeline("restart", cluster, progress)) {
                cluster.stop(RESTARTED);
                await("every partition has a leader again", () -> cluster.ledPartitions() == partitions);
                leaderless = millisSince(stop);
                campaignsWhileDown = RestartElections.Campaigns.between(atStop, cluster.counts());
                termsLeaderAgain = cluster.terms(0);
                long restart = System.nanoTime();
                CompletableFuture<Void> joined = cluster.start(RESTARTED);
                joined.get(timeoutMillis, TimeUnit.MILLISECONDS);
                await("every partition has a leader after the restart",
                        () -> cluster.ledPartitions() == partitions);
                settled = millisSince(restart);
            }
            RestartElections elections = RestartElections.of(ledBefore, termsBefore, termsLeaderAgain,
                    cluster.terms(0), campaignsWhileDown);
            int led = elections.led();
            progress.printf("[scale] restart: node led %d, %d elections (%s), leaderless %d ms, settled %d ms%n",
                    led, elections.total(), elections.toJson(), leaderless, settled);
            return new ScaleResult(partitions, NODES, quiesceAfter == null ? -1 : quiesceAfter, elected, coldStart,
                    TimeUnit.NANOSECONDS.toMillis(window), perNode, process, heapPerReplica, quiesced, led,
                    elections, leaderless, settled, load).toJson();
        } finally {
            DataDirs.delete(dir);
        }
    }

    private static String[][] prefixes(int[] ports) {
        String[][] prefixes = new String[NODES][];
        for (int i = 0; i < NODES; i++) {
            prefixes[i] = new String[] {"kommander-node-" + (i + 1) + "-", "kommander-netty-" + ports[i] + "-"};
        }
        return prefixes;
    }

    private void await(String what, BooleanSupplier condition) {
        // Not faster: each look asks every node about every partition, which loads the nodes measured.
        if (!BoundedWait.until(condition, timeoutMillis, POLL_MILLIS)) {
            throw new IllegalStateException(what + ": not within " + timeoutMillis + " ms");
        }
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static long heapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
