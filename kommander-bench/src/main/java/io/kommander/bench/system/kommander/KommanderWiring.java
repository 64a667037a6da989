package io.kommander.bench.system.kommander;

import io.kommander.transport.IRaftTransport;
import io.kommander.transport.InMemoryNetwork;
import io.kommander.wal.IWAL;
import io.kommander.wal.rocksdb.RocksDbWAL;

import java.nio.file.Path;

/**
 * The one place that chooses Kommander's WAL and transport in the bench and the demo.
 *
 * <p>Today: {@code RocksDbWAL} (synced writes) in each node's folder, and the in-memory transport, because
 * {@code NettyTransport} has not landed on main yet. To switch, return {@code NettyTransport.builder().build()} from
 * {@link #transport} and update {@link #DESCRIPTION}. Not thread-safe: one wiring per cluster.
 */
final class KommanderWiring implements AutoCloseable {

    /** What {@code BenchSystem.configuration()} reports about storage and network. */
    static final String DESCRIPTION = "wal=RocksDbWAL (default settings, every IWAL.write synced), "
            + "transport=InMemoryTransport (no sockets: NettyTransport not on main yet)";

    private final InMemoryNetwork network = new InMemoryNetwork();

    /**
     * Opens node {@code node}'s WAL in {@code dir}.
     *
     * @param previous the node's WAL before a restart (closed), or null the first time: RocksDB reopens the folder
     */
    IWAL openWal(Path dir, IWAL previous) {
        return RocksDbWAL.open(dir);
    }

    /** A transport for the node listening on {@code port}. */
    IRaftTransport transport(int port) {
        return network.transport();
    }

    @Override
    public void close() {
        network.close();
    }
}
