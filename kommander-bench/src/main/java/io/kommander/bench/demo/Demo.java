package io.kommander.bench.demo;

import io.kommander.bench.load.LoadGenerator;
import io.kommander.bench.load.LoadOutcome;
import io.kommander.bench.load.Verification;
import io.kommander.bench.load.Verifier;
import io.kommander.bench.load.Workload;
import io.kommander.bench.system.ClusterShape;
import io.kommander.bench.system.NodeLedger;
import io.kommander.bench.node.JvmMode;
import io.kommander.bench.system.BenchCluster;
import io.kommander.bench.system.SystemKind;
import io.kommander.bench.system.kommander.KommanderNode;
import io.kommander.bench.system.kommander.LeaderChanges;
import io.kommander.bench.system.ratis.RatisTransport;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The demo: a 3-node Kommander cluster in this process replicates a stream of entries over several partitions
 * while one node (the one leading most partitions) is killed a third of the way in and restarted halfway; then
 * every node's deliveries are checked against the acknowledged writes and against each other.
 */
public final class Demo {

    private static final int NODES = 3;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Workload workload;
    private final Path dataDir;
    private final List<String> events = new ArrayList<>();

    /** A demo of the given workload (its warm-up is ignored) keeping its data in {@code dataDir}. */
    public Demo(Workload workload, Path dataDir) {
        this.workload = workload;
        this.dataDir = dataDir;
    }

    /** Runs the demo. */
    public DemoSummary run() throws Exception {
        int seconds = (int) workload.duration().toSeconds();
        LeaderChanges leaderChanges = new LeaderChanges();
        // One registry for the three nodes (their meters are tagged by node): the progress line reads it.
        MeterRegistry meters = new SimpleMeterRegistry();
        try (BenchCluster system = new BenchCluster(SystemKind.KOMMANDER, RatisTransport.NETTY, JvmMode.ONE,
                spec -> new KommanderNode(spec, leaderChanges, meters))) {
            event("starting " + NODES + " nodes with " + workload.partitions() + " partitions in " + dataDir);
            system.start(new ClusterShape(NODES, workload.partitions(), dataDir));
            long changesAtStart = leaderChanges.count();
            event("every partition has a leader; " + system.configuration().lines().findFirst().orElse(""));
            long start = System.nanoTime();
            LoadOutcome outcome;
            int victim;
            long catchUpMillis;
            try (DemoProgress progress = new DemoProgress(seconds, NODES, workload::partitions,
                    system::leaderIndex, () -> quiesced(meters))) {
                CompletableFuture<LoadOutcome> load = CompletableFuture.supplyAsync(() -> runLoad(system, progress));
                waitUntil(start, seconds / 3.0);
                victim = busiestLeader(system);
                event("killing node " + (victim + 1));
                progress.status("[node " + (victim + 1) + " down]");
                system.stopNode(victim);
                waitUntil(start, seconds / 2.0);
                event("restarting node " + (victim + 1));
                progress.status("[node " + (victim + 1) + " restarting]");
                catchUpMillis = restartAndCatchUp(system, victim);
                event("node " + (victim + 1) + " caught up in " + catchUpMillis + " ms");
                progress.status("[node " + (victim + 1) + " caught up]");
                outcome = load.join();
            }
            Verification verification = new Verifier(Duration.ofSeconds(60)).verify(outcome.acknowledged(),
                    system.ledgers());
            long acknowledged = outcome.acknowledged().stream().mapToLong(java.util.BitSet::cardinality).sum();
            return new DemoSummary(acknowledged, outcome.errors(), leaderChanges.count() - changesAtStart,
                    victim + 1, catchUpMillis, verification, events);
        }
    }

    /** Quiesced partitions over the running nodes, as their {@code kommander.partitions.quiesced} gauges read. */
    private static int quiesced(MeterRegistry meters) {
        return (int) meters.find("kommander.partitions.quiesced").gauges().stream().mapToDouble(Gauge::value).sum();
    }

    private LoadOutcome runLoad(BenchCluster system, DemoProgress progress) {
        try {
            return new LoadGenerator(system, workload, progress).run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the demo's load was interrupted", e);
        }
    }

    private static int busiestLeader(BenchCluster system) {
        int[] leads = new int[NODES];
        for (int p = 0; p < system.ledgers().get(0).partitionCount(); p++) {
            int leader = system.leaderIndex(p);
            if (leader >= 0) {
                leads[leader]++;
            }
        }
        int busiest = 0;
        for (int i = 1; i < NODES; i++) {
            if (leads[i] > leads[busiest]) {
                busiest = i;
            }
        }
        return busiest;
    }

    /** Restarts the node and waits until it has delivered at least what every other node had when it came back. */
    private static long restartAndCatchUp(BenchCluster system, int node) throws Exception {
        long restartedAt = System.nanoTime();
        List<NodeLedger> ledgers = system.ledgers();
        long target = 0;
        for (int i = 0; i < ledgers.size(); i++) {
            if (i != node) {
                target = Math.max(target, ledgers.get(i).total());
            }
        }
        system.restartNode(node);
        NodeLedger restarted = system.ledgers().get(node);
        long deadline = restartedAt + TimeUnit.SECONDS.toNanos(60);
        while (restarted.total() < target && System.nanoTime() < deadline) {
            LockSupport.parkNanos(POLL_NANOS);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);
    }

    private static void waitUntil(long start, double seconds) {
        long until = start + (long) (seconds * 1e9);
        long wait;
        while ((wait = until - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    private void event(String text) {
        events.add(text);
    }
}
