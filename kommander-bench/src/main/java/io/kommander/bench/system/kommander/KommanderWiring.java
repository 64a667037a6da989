package io.kommander.bench.system.kommander;

import io.kommander.transport.IRaftTransport;
import io.kommander.transport.netty.NettyTransport;
import io.kommander.transport.netty.SharedSecrets;
import io.kommander.wal.IWAL;
import io.kommander.wal.InMemoryWAL;
import io.kommander.wal.rocksdb.RocksDbWAL;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The one place that chooses Kommander's WAL and transport in the bench and the demo: {@code RocksDbWAL}
 * (synced writes) in each node's folder, and {@code NettyTransport} (TCP on loopback, peers authenticated with a
 * shared secret). With {@code -Dkommander.bench.wal=memory} the WAL is an {@link InMemoryWAL} instead: no disk, no
 * sync, nothing kept across a node's restart, and each node checkpoints and compacts every 200 ms so that the log
 * does not fill the heap ({@link HeapLogCompaction}); a diagnostic that shows what a workload costs without its
 * storage, never a figure to compare with another system. With {@code -Dkommander.bench.wal=file} it is a
 * {@link SyncedFileWAL}: each write appended to one file and synced, the log read from the heap (compacted the same
 * way), no recovery; a diagnostic of what a log store of its own would pay for storage. Stateless.
 */
public final class KommanderWiring {

    /** The system property that chooses the WAL: {@code rocksdb} (the default), {@code memory} or {@code file}. */
    public static final String WAL_PROPERTY = "kommander.bench.wal";

    /** What {@code BenchSystem.configuration()} reports about storage and network. */
    static String description() {
        String heapLog = "checkpoints and compaction every " + HeapLogCompaction.INTERVAL_MILLIS
                + " ms; a diagnostic only)";
        String wal = switch (chosen()) {
            case "memory" -> "wal=InMemoryWAL (-D" + WAL_PROPERTY + "=memory: no disk, no sync, " + heapLog;
            case "file" -> "wal=SyncedFileWAL (-D" + WAL_PROPERTY + "=file: each write appended to one file and"
                    + " synced, read from the heap, no recovery, " + heapLog;
            default -> "wal=RocksDbWAL (default settings, every IWAL.write synced)";
        };
        return wal + ", transport=NettyTransport (TCP on loopback, shared-secret authentication, epoll when available)";
    }

    /**
     * Whether the WAL {@value #WAL_PROPERTY} chooses keeps the log on the heap (the in-memory and synced-file
     * diagnostics), so that the node must checkpoint and compact often ({@link HeapLogCompaction}).
     *
     * @throws IllegalArgumentException if it names none of {@code rocksdb}, {@code memory} and {@code file}
     */
    static boolean logOnHeap() {
        return !chosen().equals("rocksdb");
    }

    private static String chosen() {
        String wal = System.getProperty(WAL_PROPERTY, "rocksdb");
        return switch (wal) {
            case "rocksdb", "memory", "file" -> wal;
            default -> throw new IllegalArgumentException(
                    "-D" + WAL_PROPERTY + "=" + wal + ": expected rocksdb, memory or file");
        };
    }

    /**
     * The bench's shared secret. A constant, so that nodes in other processes share it; it guards loopback only.
     * A real deployment reads a random secret from a file or the environment (docs/security.md).
     */
    static final SharedSecrets SECRETS = SharedSecrets.of(
            "kommander-bench-loopback-secret!!".getBytes(StandardCharsets.US_ASCII));

    /**
     * Opens a node's WAL in {@code dir}; after a restart RocksDB reopens what the folder holds (an in-memory WAL, see
     * above, starts empty).
     */
    public IWAL openWal(Path dir) {
        return switch (chosen()) {
            case "memory" -> new InMemoryWAL();
            case "file" -> new SyncedFileWAL(dir);
            default -> RocksDbWAL.open(dir);
        };
    }

    /** A transport for the node listening on {@code port} (the node's configuration carries the port). */
    public IRaftTransport transport(int port) {
        return NettyTransport.builder().ioThreads(1).threadNamePrefix("kommander-netty-" + port)
                .sharedSecret(SECRETS).build();
    }
}
