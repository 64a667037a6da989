package io.kommander.bench.system;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.kommander.bench.node.JvmMode;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.Locale;

/**
 * Refuses, before any node starts, a cluster that would exhaust the machine while starting: preallocated log files
 * taking more than 90% of the free disk, or direct buffers beyond the JVM's limit. Either failure, found only once
 * the nodes are half up, takes the machine or the JVM down with the run (a full disk; direct memory the failed
 * nodes never give back, which slows every later run of a sweep).
 */
final class StartReservations {

    private StartReservations() {
    }

    /**
     * Checks that {@code kind} can start {@code shape} with its nodes placed as {@code jvms} says.
     *
     * @throws IllegalStateException naming what would run out, and the figures
     */
    static void check(SystemKind kind, ClusterShape shape, JvmMode jvms) throws IOException {
        long disk = kind.reservedBytesPerPartition() * shape.partitions() * shape.nodes();
        if (disk > 0) {
            Files.createDirectories(shape.dataDir());
            long usable = Files.getFileStore(shape.dataDir()).getUsableSpace();
            if (disk > usable / 10 * 9) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "%s preallocates about %d MB per partition and node: %d partitions x %d nodes need %.1f GB, "
                                + "but only %.1f GB is free in %s", kind.reportName(),
                        kind.reservedBytesPerPartition() >> 20, shape.partitions(), shape.nodes(), disk / 1e9,
                        usable / 1e9, shape.dataDir()));
            }
        }
        int nodesPerJvm = jvms == JvmMode.ONE ? shape.nodes() : 1;
        long direct = kind.directBytesPerPartition() * shape.partitions() * nodesPerJvm;
        // A child JVM gets the same defaults as this one, so this JVM's limit stands for both modes.
        long limit = maxDirectMemory();
        if (direct > limit / 10 * 9) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "%s allocates a %d MiB direct buffer per partition and node: %d partitions x %d nodes per JVM "
                            + "need %.1f GB of direct memory, over 90%% of the JVM's limit of %.1f GB "
                            + "(-XX:MaxDirectMemorySize)", kind.reportName(), kind.directBytesPerPartition() >> 20,
                    shape.partitions(), nodesPerJvm, direct / 1e9, limit / 1e9));
        }
    }

    /** The JVM's direct-memory limit: {@code -XX:MaxDirectMemorySize}, or the maximum heap when it is not set. */
    static long maxDirectMemory() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        long configured = Long.parseLong(vm.getVMOption("MaxDirectMemorySize").getValue());
        return configured > 0 ? configured : Runtime.getRuntime().maxMemory();
    }
}
