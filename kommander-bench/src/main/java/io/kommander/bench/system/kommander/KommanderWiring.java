package io.kommander.bench.system.kommander;

import io.kommander.transport.IRaftTransport;
import io.kommander.transport.netty.NettyTransport;
import io.kommander.wal.IWAL;
import io.kommander.wal.rocksdb.RocksDbWAL;

import java.nio.file.Path;

/**
 * The one place that chooses Kommander's WAL and transport in the bench and the demo: {@code RocksDbWAL}
 * (synced writes) in each node's folder, and {@code NettyTransport} (plain TCP on loopback). Not thread-safe: one
 * wiring per cluster.
 */
final class KommanderWiring implements AutoCloseable {

    /** What {@code BenchSystem.configuration()} reports about storage and network. */
    static final String DESCRIPTION = "wal=RocksDbWAL (default settings, every IWAL.write synced), "
            + "transport=NettyTransport (plain TCP on loopback, epoll when available)";

    /**
     * Opens node {@code node}'s WAL in {@code dir}.
     *
     * @param previous the node's WAL before a restart (closed), or null the first time: RocksDB reopens the folder
     */
    IWAL openWal(Path dir, IWAL previous) {
        return RocksDbWAL.open(dir);
    }

    /** A transport for the node listening on {@code port} (the node's configuration carries the port). */
    IRaftTransport transport(int port) {
        return NettyTransport.builder().ioThreads(1).threadNamePrefix("kommander-netty-" + port).build();
    }

    @Override
    public void close() {
        // Each node's manager closes its own transport.
    }
}
