package io.kommander.bench.system.kommander;

import io.kommander.transport.IRaftTransport;
import io.kommander.transport.InMemoryNetwork;
import io.kommander.wal.IWAL;
import io.kommander.wal.InMemoryWAL;

import java.nio.file.Path;

/**
 * The one place that chooses Kommander's WAL and transport in the bench and the demo.
 *
 * <p>Today: the in-memory WAL and transport, because {@code RocksDbWAL} and {@code NettyTransport} have not landed
 * on main yet. To switch, replace the bodies of {@link #openWal} with
 * {@code RocksDbWAL.open(dir)} and of {@link #transport} with {@code NettyTransport.builder().build()}, and
 * {@link #DESCRIPTION} with the durable wording. Not thread-safe: one wiring per cluster.
 */
final class KommanderWiring implements AutoCloseable {

    /** What {@code BenchSystem.configuration()} reports about storage and network. */
    static final String DESCRIPTION = "wal=InMemoryWAL (no disk: RocksDbWAL not on main yet), "
            + "transport=InMemoryTransport (no sockets: NettyTransport not on main yet)";

    private final InMemoryNetwork network = new InMemoryNetwork();

    /**
     * Opens node {@code node}'s WAL in {@code dir}.
     *
     * @param previous the node's WAL before a restart (closed), or null the first time
     */
    IWAL openWal(Path dir, IWAL previous) {
        return previous == null ? new InMemoryWAL() : ((InMemoryWAL) previous).reopen();
    }

    /** A transport for node {@code node} listening on {@code port}. */
    IRaftTransport transport(int port) {
        return network.transport();
    }

    @Override
    public void close() {
        network.close();
    }
}
