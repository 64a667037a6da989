package io.kommander.bench.load;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

/**
 * How many partition drains, WAL writes (syncs), Raft messages and transport frames each acknowledged write cost,
 * summed over the nodes in this JVM. Counts, unlike throughput or CPU, do not move when other work shares the
 * machine, so two builds can be compared on a busy one. Read from Micrometer's global registry, where Kommander's
 * nodes put their meters with {@code -Dkommander.bench.metrics=true}; without it, {@link #perWrite} says so. Not
 * thread-safe.
 */
public final class WriteEvents {

    private double[] start = read();

    /** Starts (or restarts) the count. */
    public void start() {
        start = read();
    }

    /** The events per write of {@code acks} writes acknowledged since {@link #start()}, as one line, or null. */
    public String perWrite(long acks) {
        double[] now = read();
        if (now[0] == 0 && now[1] == 0) {
            return null;
        }
        double per = Math.max(1, acks);
        return String.format("per acknowledged write: %.2f drains, %.3f WAL writes, %.2f messages, %.2f frames sent"
                        + " (all nodes)", (now[0] - start[0]) / per, (now[1] - start[1]) / per,
                (now[2] - start[2]) / per, (now[3] - start[3]) / per);
    }

    private static double[] read() {
        return new double[] {counted("kommander.partition.drains", null),
                Metrics.globalRegistry.find("kommander.wal.sync").timers().stream().mapToDouble(Timer::count).sum(),
                counted("kommander.messages", "sent"), counted("kommander.transport.frames", "sent")};
    }

    private static double counted(String name, String direction) {
        var search = Metrics.globalRegistry.find(name);
        if (direction != null) {
            search = search.tag("direction", direction);
        }
        return search.counters().stream().mapToDouble(Counter::count).sum();
    }
}
