package io.kommander.bench.scale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Locale;

/**
 * Counts read from nodes' meters (see docs/metrics.md): unlike times, they hold still when the machine is loaded, so a
 * before/after pair of runs compares them directly.
 *
 * @param electionsStarted terms some replica campaigned in ({@code kommander.elections.started})
 * @param electionsWon     of them, won
 * @param walWrites        {@code IWAL.write} calls, one sync each ({@code kommander.wal.sync}), hard state included
 * @param framesSent       transport frames sent ({@code kommander.transport.frames}, sent)
 * @param led              partitions led, as of each partition's last batch of work ({@code kommander.partitions.led})
 * @param quiesced         partitions quiesced ({@code kommander.partitions.quiesced})
 */
record ScaleCounts(long electionsStarted, long electionsWon, long walWrites, long framesSent, long led,
                   long quiesced) {

    static final ScaleCounts ZERO = new ScaleCounts(0, 0, 0, 0, 0, 0);

    /** What one node's registry holds now. */
    static ScaleCounts of(MeterRegistry meters) {
        return new ScaleCounts(count(meters.find("kommander.elections.started").counter()),
                count(meters.find("kommander.elections.won").counter()),
                count(meters.find("kommander.wal.sync").timer()),
                count(meters.find("kommander.transport.frames").tag("direction", "sent").counter()),
                value(meters.find("kommander.partitions.led").gauge()),
                value(meters.find("kommander.partitions.quiesced").gauge()));
    }

    /** Both summed. */
    ScaleCounts plus(ScaleCounts other) {
        return new ScaleCounts(electionsStarted + other.electionsStarted, electionsWon + other.electionsWon,
                walWrites + other.walWrites, framesSent + other.framesSent, led + other.led,
                quiesced + other.quiesced);
    }

    /** The counters' rise since {@code before} (gauges as they are now). */
    ScaleCounts since(ScaleCounts before) {
        return new ScaleCounts(electionsStarted - before.electionsStarted, electionsWon - before.electionsWon,
                walWrites - before.walWrites, framesSent - before.framesSent, led, quiesced);
    }

    /** The counters as a JSON object's fields. */
    String toJson() {
        return String.format(Locale.ROOT, "\"electionsStarted\": %d, \"electionsWon\": %d, \"walWrites\": %d, "
                + "\"framesSent\": %d", electionsStarted, electionsWon, walWrites, framesSent);
    }

    private static long count(Counter counter) {
        return counter == null ? 0 : (long) counter.count();
    }

    private static long count(Timer timer) {
        return timer == null ? 0 : timer.count();
    }

    private static long value(Gauge gauge) {
        return gauge == null ? 0 : (long) gauge.value();
    }
}
