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
 * storage, never a figure to compare with another system. Stateless.
 */
public final class KommanderWiring {

    /** The system property that chooses the WAL: {@code rocksdb} (the default) or {@code memory}. */
    public static final String WAL_PROPERTY = "kommander.bench.wal";

    /** What {@code BenchSystem.configuration()} reports about storage and network. */
    static String description() {
        String wal = inMemory()
                ? "wal=InMemoryWAL (-D" + WAL_PROPERTY + "=memory: no disk, no sync, checkpoints and compaction"
                        + " every " + HeapLogCompaction.INTERVAL_MILLIS + " ms; a diagnostic only)"
                : "wal=RocksDbWAL (default settings, every IWAL.write synced)";
        return wal + ", transport=NettyTransport (TCP on loopback, shared-secret authentication, epoll when available)";
    }

    /**
     * Whether {@value #WAL_PROPERTY} asks for the in-memory WAL.
     *
     * @throws IllegalArgumentException if it names neither {@code rocksdb} nor {@code memory}
     */
    static boolean inMemory() {
        String wal = System.getProperty(WAL_PROPERTY, "rocksdb");
        return switch (wal) {
            case "rocksdb" -> false;
            case "memory" -> true;
            default -> throw new IllegalArgumentException(
                    "-D" + WAL_PROPERTY + "=" + wal + ": expected rocksdb or memory");
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
        return inMemory() ? new InMemoryWAL() : RocksDbWAL.open(dir);
    }

    /** A transport for the node listening on {@code port} (the node's configuration carries the port). */
    public IRaftTransport transport(int port) {
        return NettyTransport.builder().ioThreads(1).threadNamePrefix("kommander-netty-" + port)
                .sharedSecret(SECRETS).build();
    }
}
