package io.kommander.bench.scale;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A progress line every second while a phase runs (a cold start, a restart): the partitions led and quiesced and the
 * counters' rise since the phase began, so a slow phase shows where it stalls (start-up, elections, or the time before
 * the new leaders fall asleep).
 *
 * <p>Thread-safe: it reads the nodes' meters, which are.
 */
final class ScaleTimeline implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "scale-timeline");
        thread.setDaemon(true);
        return thread;
    });

    /** Starts printing {@code phase}'s lines to {@code out}. */
    ScaleTimeline(String phase, ScaleCluster cluster, PrintStream out) {
        ScaleCounts start = cluster.counts();
        long began = System.nanoTime();
        timer.scheduleAtFixedRate(() -> {
            ScaleCounts now = cluster.counts().since(start);
            out.printf("[scale] %s +%.0fs: led %d (%d by their preferred leader), quiesced %d, %s%n", phase,
                    (System.nanoTime() - began) / 1e9, now.led(), cluster.ledByPreferred(), now.quiesced(),
                    now.toJson());
        }, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
