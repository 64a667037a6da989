package io.kommander.bench.demo;

import io.kommander.bench.load.LiveSample;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.function.Consumer;

/**
 * The demo's live progress bar: seconds elapsed, writes/s, p99, how many partitions each node leads and how many
 * replicas are quiesced (from the nodes' {@code kommander.partitions.quiesced} gauges). Falls back to one printed line
 * per update when there is no terminal.
 */
final class DemoProgress implements Consumer<LiveSample>, AutoCloseable {

    private final ProgressBar bar;
    private final int nodes;
    private final java.util.function.IntFunction<Integer> leaderOf;
    private final IntSupplier partitions;
    private final IntSupplier quiesced;
    private volatile String status = "";

    DemoProgress(int seconds, int nodes, IntSupplier partitions, java.util.function.IntFunction<Integer> leaderOf,
                 IntSupplier quiesced) {
        ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName("replicating").setInitialMax(seconds)
                .setUnit("s", 1).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000)
                .showSpeed(null).hideEta();
        if (System.console() == null) {
            // Wide enough for the leaders and the quiesced count: the default 80 columns cut them off.
            builder.setConsumer(new DelegatingProgressBarConsumer(System.out::println, 160));
        }
        this.bar = builder.build();
        this.nodes = nodes;
        this.partitions = partitions;
        this.leaderOf = leaderOf;
        this.quiesced = quiesced;
    }

    /** A short note shown after the figures (a node is down, ...). */
    void status(String note) {
        status = note;
    }

    @Override
    public void accept(LiveSample sample) {
        int[] leads = new int[nodes];
        int leaderless = 0;
        for (int p = 0; p < partitions.getAsInt(); p++) {
            int leader = leaderOf.apply(p);
            if (leader < 0) {
                leaderless++;
            } else {
                leads[leader]++;
            }
        }
        StringBuilder leaders = new StringBuilder();
        for (int i = 0; i < nodes; i++) {
            leaders.append(" n").append(i + 1).append(':').append(leads[i]);
        }
        if (leaderless > 0) {
            leaders.append(" none:").append(leaderless);
        }
        bar.stepTo(sample.elapsedMillis() / 1000);
        bar.setExtraMessage(String.format(Locale.ROOT, "%7.0f entries/s p99 %6.1f ms | leaders%s | quiesced %d %s",
                sample.opsPerSecond(), sample.p99Millis(), leaders, quiesced.getAsInt(), status));
    }

    @Override
    public void close() {
        bar.close();
    }
}
