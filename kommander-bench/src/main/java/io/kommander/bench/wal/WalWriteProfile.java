package io.kommander.bench.wal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Runs {@link RocksDbWalWriteBenchmark}'s workload for a while and reports what it cost the disk and where the slow
 * writes came from: write latency percentiles, disk bytes written per payload byte ({@code /proc/self/io}, Linux),
 * and RocksDB's write-stall, WAL and flush counters.
 *
 * <p>Usage: {@code java -cp kommander-bench.jar io.kommander.bench.wal.WalWriteProfile PARTITIONS ENTRY_BYTES SECONDS
 * [VALUE_LOG_KIB]}
 */
public final class WalWriteProfile {

    private WalWriteProfile() {
    }

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) throws IOException {
        RocksDbWalWriteBenchmark benchmark = new RocksDbWalWriteBenchmark();
        benchmark.partitions = Integer.parseInt(args[0]);
        benchmark.entryBytes = Integer.parseInt(args[1]);
        long nanos = Long.parseLong(args[2]) * 1_000_000_000L;
        benchmark.memtableMiB = 16;
        benchmark.valueLogKiB = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        benchmark.open();
        try {
            long[] latencies = new long[1 << 20];
            int writes = 0;
            WriteCounters counters = new WriteCounters();
            long diskBefore = diskWriteBytes();
            long start = System.nanoTime();
            while (System.nanoTime() - start < nanos && writes < latencies.length) {
                long began = System.nanoTime();
                benchmark.groupWrite(counters);
                latencies[writes++] = System.nanoTime() - began;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long disk = diskWriteBytes() - diskBefore;
            long[] sorted = Arrays.copyOf(latencies, writes);
            Arrays.sort(sorted);
            System.out.printf("partitions=%d entryBytes=%d valueLogKiB=%d writes=%d payload MB/s=%.1f"
                            + " disk bytes per payload byte=%s write ms p50=%.1f p99=%.1f p99.9=%.1f max=%.1f%n",
                    benchmark.partitions, benchmark.entryBytes, benchmark.valueLogKiB, writes,
                    counters.bytes / 1e6 / seconds, disk < 0 ? "n/a" : String.format("%.2f", (double) disk
                            / counters.bytes), millis(sorted, 0.5), millis(sorted, 0.99), millis(sorted, 0.999),
                    sorted[writes - 1] / 1e6);
            boolean database = true;
            for (String line : benchmark.statistics().split("\n")) {
                if (line.startsWith("== ")) {
                    database = line.equals("== database");
                    System.out.println(line);
                } else if (line.startsWith("Flush(GB)") || line.startsWith("Blob file count") || (database
                        && (line.startsWith("Write Stall") || line.startsWith("Cumulative WAL")
                        || line.startsWith("Cumulative writes")))) {
                    System.out.println(line);
                }
            }
        } finally {
            benchmark.close();
        }
    }

    private static double millis(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * quantile))] / 1e6;
    }

    /** Bytes this process caused to be written to storage so far, or -1 where {@code /proc} does not say. */
    private static long diskWriteBytes() throws IOException {
        Path io = Path.of("/proc/self/io");
        if (!Files.isReadable(io)) {
            return -1;
        }
        for (String line : Files.readAllLines(io)) {
            if (line.startsWith("write_bytes:")) {
                return Long.parseLong(line.substring("write_bytes:".length()).trim());
            }
        }
        return -1;
    }
}
