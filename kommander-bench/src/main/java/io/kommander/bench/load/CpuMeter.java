package io.kommander.bench.load;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Measures the CPU used by this process and its child processes (the nodes, in the one-JVM-per-node mode) between
 * two points, as a percentage of the whole machine (100 = every core busy). A child that exits in between is not
 * counted. Not thread-safe.
 */
public final class CpuMeter {

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final int cores = Runtime.getRuntime().availableProcessors();
    private long cpuStart;
    private long wallStart;

    /** Starts (or restarts) the measurement. */
    public void start() {
        cpuStart = cpuNanos();
        wallStart = System.nanoTime();
    }

    /** CPU time used since {@link #start()}, in nanoseconds. */
    public long nanosSinceStart() {
        return cpuNanos() - cpuStart;
    }

    /** CPU used since {@link #start()}, in percent of all cores. */
    public double percentSinceStart() {
        long wall = System.nanoTime() - wallStart;
        long cpu = cpuNanos() - cpuStart;
        return wall <= 0 ? 0 : 100.0 * cpu / ((double) wall * cores);
    }

    private long cpuNanos() {
        return os.getProcessCpuTime() + ProcessHandle.current().children()
                .mapToLong(child -> child.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
    }
}
