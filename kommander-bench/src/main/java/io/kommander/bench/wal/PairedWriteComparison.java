package io.kommander.bench.wal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Alternates short rounds of {@link RocksDbWalWriteBenchmark} and {@link SyncedFileWriteBenchmark} (same code,
 * same parameters) and reports the median of the per-round bandwidth ratios. On a shared machine, where the
 * disk's sync latency drifts by several times within minutes, back-to-back rounds compare the two under the same
 * conditions, which separate JMH runs a minute apart cannot.
 *
 * <p>Usage: {@code java -cp kommander-bench.jar io.kommander.bench.wal.PairedWriteComparison ENTRY_BYTES
 * PARTITIONS[,PARTITIONS...] ROUNDS [ROUND_MILLIS [VALUE_LOG_KIB]]}; {@code VALUE_LOG_KIB} is the WAL's value log
 * threshold (default 4, the WAL's default; 0 keeps every payload in RocksDB).
 */
public final class PairedWriteComparison {

    private PairedWriteComparison() {
    }

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        int entryBytes = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[2]);
        long roundNanos = (args.length > 3 ? Long.parseLong(args[3]) : 1000) * 1_000_000L;
        int valueLogKiB = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        for (String partitionArg : args[1].split(",")) {
            int partitions = Integer.parseInt(partitionArg);
            RocksDbWalWriteBenchmark rocks = new RocksDbWalWriteBenchmark();
            rocks.partitions = partitions;
            rocks.entryBytes = entryBytes;
            rocks.memtableMiB = 16;
            rocks.valueLogKiB = valueLogKiB;
            SyncedFileWriteBenchmark file = new SyncedFileWriteBenchmark();
            file.partitions = partitions;
            file.entryBytes = entryBytes;
            rocks.open();
            file.open();
            try {
                // One unmeasured round each, to warm up the JIT and RocksDB.
                rocksRound(rocks, roundNanos);
                fileRound(file, roundNanos);
                double[] ratios = new double[rounds];
                List<String> lines = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    double rocksMBps = rocksRound(rocks, roundNanos);
                    double fileMBps = fileRound(file, roundNanos);
                    ratios[round] = rocksMBps / fileMBps;
                    lines.add(String.format("%.1f/%.1f", rocksMBps, fileMBps));
                }
                Arrays.sort(ratios);
                System.out.printf("partitions=%d entryBytes=%d valueLogKiB=%d rounds(RocksDbWAL/file MB/s)=%s"
                        + " median ratio=%.0f%% (min %.0f%%, max %.0f%%)%n", partitions, entryBytes, valueLogKiB,
                        lines, 100 * ratios[rounds / 2], 100 * ratios[0], 100 * ratios[rounds - 1]);
            } finally {
                rocks.close();
                file.close();
            }
        }
    }

    private static double rocksRound(RocksDbWalWriteBenchmark benchmark, long nanos) {
        WriteCounters counters = new WriteCounters();
        long start = System.nanoTime();
        while (System.nanoTime() - start < nanos) {
            benchmark.groupWrite(counters);
        }
        return counters.bytes / 1e6 / ((System.nanoTime() - start) / 1e9);
    }

    private static double fileRound(SyncedFileWriteBenchmark benchmark, long nanos) throws Exception {
        WriteCounters counters = new WriteCounters();
        long start = System.nanoTime();
        while (System.nanoTime() - start < nanos) {
            benchmark.groupWrite(counters);
        }
        return counters.bytes / 1e6 / ((System.nanoTime() - start) / 1e9);
    }
}
