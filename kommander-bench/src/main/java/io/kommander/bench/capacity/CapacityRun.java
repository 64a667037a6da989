package io.kommander.bench.capacity;

import io.kommander.bench.load.LiveSample;
import io.kommander.bench.load.LoadGenerator;
import io.kommander.bench.load.LoadOutcome;
import io.kommander.bench.load.Verification;
import io.kommander.bench.load.Verifier;
import io.kommander.bench.node.JvmMode;
import io.kommander.bench.node.NodeLauncher;
import io.kommander.bench.node.NodeStats;
import io.kommander.bench.node.process.NodeProcessLauncher;
import io.kommander.bench.system.BenchCluster;
import io.kommander.bench.system.BoundedWait;
import io.kommander.bench.system.ClusterShape;
import io.kommander.bench.system.DataDirs;
import io.kommander.bench.system.SystemKind;
import io.kommander.bench.system.kommander.KommanderNode;
import io.kommander.bench.system.ratis.RatisTransport;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code capacity} run: the same fixed-rate load on a Kommander cluster of each size in turn, one child JVM per
 * node (RocksDbWAL, NettyTransport on loopback, as {@code run --process-per-node}), each node with a meter registry.
 * Before the load, it waits until the placement has settled: every partition on exactly R nodes, led by one node
 * whose configuration is what the partition map says (voters, no learner, the preferred leader), so that the window
 * measures the steady state and not the balancer's moves. Each node's counters are read at both ends of the window;
 * at the end, every acknowledged write must have been delivered by every replica that hosts its partition.
 */
public final class CapacityRun {

    /** The replication factor: the library's default, which the bench's nodes keep. */
    static final int REPLICATION_FACTOR = 3;
    private static final long POLL_MILLIS = 200;
    private static final long LIVE_EVERY_MILLIS = 5000;
    /**
     * After the plan's warm-up, the load goes on unmeasured until every node's JIT has settled ({@link JitSettled},
     * read this often), for at most the plan's {@code jitWait} more.
     */
    private static final Duration JIT_CHECK = Duration.ofSeconds(5);

    private final CapacityPlan plan;
    private final NodeLauncher launcher;
    private final PrintStream progress;

    /**
     * A run whose nodes are child JVMs with meters.
     *
     * @param progress where progress goes (stderr, so that stdout keeps the table)
     */
    public CapacityRun(CapacityPlan plan, PrintStream progress) {
        this(plan, new NodeProcessLauncher(Map.of(KommanderNode.METRICS_PROPERTY, "true")), progress);
    }

    /** A run whose nodes {@code launcher} starts (they must report {@link NodeStats} with their counters). */
    CapacityRun(CapacityPlan plan, NodeLauncher launcher, PrintStream progress) {
        this.plan = plan;
        this.launcher = launcher;
        this.progress = progress;
    }

    /** Runs the smaller cluster, then the larger, and compares them. */
    public CapacityComparison compare(int smallNodes, int largeNodes, double tolerance) throws Exception {
        ClusterRun small = run(smallNodes);
        ClusterRun large = run(largeNodes);
        return new CapacityComparison(small, large, tolerance);
    }

    /** Runs one cluster of {@code nodes} nodes through the plan's load; its data folder is removed afterwards. */
    public ClusterRun run(int nodes) throws Exception {
        Files.createDirectories(plan.dataRoot());
        Path dir = Files.createTempDirectory(plan.dataRoot(), "capacity-" + nodes + "-");
        try (BenchCluster cluster = new BenchCluster(SystemKind.KOMMANDER, RatisTransport.NETTY, JvmMode.PER_NODE,
                launcher)) {
            progress.printf(Locale.ROOT, "[capacity] starting %d nodes, %d partitions%n", nodes, plan.partitions());
            cluster.start(new ClusterShape(nodes, plan.partitions(), dir));
            long settleMillis = awaitPlacement(cluster, nodes);
            AtomicReference<List<NodeStats>> before = new AtomicReference<>();
            AtomicReference<List<NodeStats>> after = new AtomicReference<>();
            LoadGenerator generator = new LoadGenerator(cluster, plan.workload(), sample -> live(nodes, sample),
                    () -> before.set(cluster.stats()), () -> after.set(cluster.stats()))
                    .extendWarmUp(new JitSettled(cluster::stats, System::nanoTime), JIT_CHECK, plan.jitWait());
            LoadOutcome outcome = generator.run();
            progress.printf(Locale.ROOT, "[capacity] %d nodes: warmed up for %.0f s%n", nodes,
                    generator.warmUpSeconds());
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            // A stale replica (moved away, not closed yet) stopped receiving writes: only placed ones are judged.
            List<BitSet> placed = after.get().stream().map(NodeStats::placed).toList();
            Verification verification = new Verifier(plan.timeout()).verify(outcome.acknowledged(),
                    cluster::ledgers, placed);
            progress.printf(Locale.ROOT, "[capacity] %d nodes: %s%n", nodes, verification);
            List<NodeWindow> windows = new ArrayList<>();
            boolean stable = true;
            for (int i = 0; i < nodes; i++) {
                windows.add(NodeWindow.between(i, before.get().get(i), after.get().get(i)));
                stable &= before.get().get(i).placed().equals(after.get().get(i).placed());
            }
            return new ClusterRun(nodes, plan.partitions(), outcome.acknowledgedInMeasure(), outcome.seconds(),
                    outcome.errors(), cluster.retriedAttempts(), outcome.percentileMillis(99), verification.verified(),
                    stable, settleMillis,
                    load, windows);
        } finally {
            DataDirs.delete(dir);
        }
    }

    private void live(int nodes, LiveSample sample) {
        if (sample.elapsedMillis() % LIVE_EVERY_MILLIS < 1000) {
            progress.printf(Locale.ROOT, "[capacity] %d nodes, %3d s%s: %.0f writes/s, p99 %.1f ms, %d errors%n",
                    nodes, sample.elapsedMillis() / 1000, sample.measuring() ? "" : " (warm-up)",
                    sample.opsPerSecond(), sample.p99Millis(), sample.errors());
        }
    }

    /** Waits until the placement has settled (see the class comment); returns how long it took. */
    private long awaitPlacement(BenchCluster cluster, int nodes) throws TimeoutException {
        long start = System.nanoTime();
        AtomicReference<String> last = new AtomicReference<>("no stats read");
        boolean settled = BoundedWait.until(() -> {
            String unsettled = Placement.unsettled(cluster.stats(), plan.partitions(),
                    Math.min(REPLICATION_FACTOR, nodes));
            last.set(unsettled);
            return unsettled == null;
        }, plan.timeout().toMillis(), POLL_MILLIS);
        if (!settled) {
            throw new TimeoutException("the placement of " + nodes + " nodes did not settle in " + plan.timeout()
                    + ": " + last.get());
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        progress.printf(Locale.ROOT, "[capacity] %d nodes: placement settled in %d ms%n", nodes, millis);
        List<NodeStats> stats = cluster.stats();
        for (int i = 0; i < stats.size(); i++) {
            progress.printf(Locale.ROOT, "[capacity]   node %d: hosts %d partitions (%d stale), leads %d%s%n", i,
                    stats.get(i).hosted().cardinality(), Placement.staleReplicas(stats.get(i)),
                    stats.get(i).led().cardinality(), stats.get(i).leadsSystem() ? " and partition 0" : "");
        }
        return millis;
    }
}
