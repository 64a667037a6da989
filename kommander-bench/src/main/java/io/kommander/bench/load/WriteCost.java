package io.kommander.bench.load;

import java.lang.management.ManagementFactory;

/**
 * What each acknowledged write cost this JVM over the measured phase: CPU time (this process and its node
 * processes, as {@link CpuMeter} counts it) and heap bytes allocated (this JVM's threads only). Unlike throughput,
 * both hardly move when other work shares the machine, so two builds can be compared on a busy one. Not
 * thread-safe.
 */
public final class WriteCost {

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final CpuMeter cpu = new CpuMeter();
    private long allocatedStart;

    /** Starts (or restarts) the measurement. */
    public void start() {
        cpu.start();
        allocatedStart = threads.getTotalThreadAllocatedBytes();
    }

    /** The cost per write of {@code acks} writes acknowledged since {@link #start()}, as one line. */
    public String perWrite(long acks) {
        long allocated = threads.getTotalThreadAllocatedBytes() - allocatedStart;
        return String.format("per acknowledged write: %.1f us CPU, %,d bytes allocated in this JVM",
                cpu.nanosSinceStart() / 1e3 / Math.max(1, acks), allocated / Math.max(1, acks));
    }
}
