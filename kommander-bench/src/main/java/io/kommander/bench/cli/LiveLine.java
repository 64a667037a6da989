package io.kommander.bench.cli;

import io.kommander.bench.load.LiveSample;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;

/** Prints one line per second of a running load. */
final class LiveLine implements Consumer<LiveSample> {

    private final PrintStream out;
    private final String system;

    LiveLine(PrintStream out, String system) {
        this.out = out;
        this.system = system;
    }

    @Override
    public void accept(LiveSample sample) {
        out.printf(Locale.ROOT, "%-10s %6.1fs %-8s %10.0f writes/s  p99 %8.2f ms  acknowledged %d  errors %d%n",
                system, sample.elapsedMillis() / 1000.0, sample.measuring() ? "measure" : "warm-up",
                sample.opsPerSecond(), sample.p99Millis(), sample.acknowledged(), sample.errors());
    }
}
