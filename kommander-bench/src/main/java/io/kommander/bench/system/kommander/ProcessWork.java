package io.kommander.bench.system.kommander;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * What this JVM spends on itself rather than on the node's work: its JIT compilers' and garbage collectors'
 * accumulated times, read from the platform's management beans. The {@code capacity} run shows them per write so a
 * reader can tell a window that still compiles from one that measures a warm node. Stateless.
 */
final class ProcessWork {

    private ProcessWork() {
    }

    /** The JIT compilers' total compilation time in milliseconds, or -1 if this JVM does not measure it. */
    static long jitMillis() {
        CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
        return compilation != null && compilation.isCompilationTimeMonitoringSupported()
                ? compilation.getTotalCompilationTime() : -1;
    }

    /** The garbage collectors' summed collection time in milliseconds (collectors that do not say count 0). */
    static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, collector.getCollectionTime());
        }
        return total;
    }
}
