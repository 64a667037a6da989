package io.kommander.bench.load;

import java.lang.management.ManagementFactory;

/**
 * Measures this process's CPU use between two points, as a percentage of the whole machine (100 = every core
 * busy). Not thread-safe.
 */
public final class CpuMeter {

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final int cores = Runtime.getRuntime().availableProcessors();
    private long cpuStart;
    private long wallStart;

    /** Starts (or restarts) the measurement. */
    public void start() {
        cpuStart = os.getProcessCpuTime();
        wallStart = System.nanoTime();
    }

    /** CPU used since {@link #start()}, in percent of all cores. */
    public double percentSinceStart() {
        long wall = System.nanoTime() - wallStart;
        long cpu = os.getProcessCpuTime() - cpuStart;
        return wall <= 0 ? 0 : 100.0 * cpu / ((double) wall * cores);
    }
}
