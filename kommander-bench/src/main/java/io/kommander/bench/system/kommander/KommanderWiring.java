package io.kommander.bench.system.kommander;

import io.kommander.transport.IRaftTransport;
import io.kommander.transport.netty.NettyTransport;
import io.kommander.transport.netty.SharedSecrets;
import io.kommander.wal.IWAL;
import io.kommander.wal.rocksdb.RocksDbWAL;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The one place that chooses Kommander's WAL and transport in the bench and the demo: {@code RocksDbWAL}
 * (synced writes) in each node's folder, and {@code NettyTransport} (TCP on loopback, peers authenticated with a
 * shared secret). Stateless.
 */
public final class KommanderWiring {

    /** What {@code BenchSystem.configuration()} reports about storage and network. */
    static final String DESCRIPTION = "wal=RocksDbWAL (default settings, every IWAL.write synced), "
            + "transport=NettyTransport (TCP on loopback, shared-secret authentication, epoll when available)";

    /**
     * The bench's shared secret. A constant, so that nodes in other processes share it; it guards loopback only.
     * A real deployment reads a random secret from a file or the environment (docs/security.md).
     */
    static final SharedSecrets SECRETS = SharedSecrets.of(
            "kommander-bench-loopback-secret!!".getBytes(StandardCharsets.US_ASCII));

    /** Opens a node's WAL in {@code dir}; after a restart RocksDB reopens what the folder holds. */
    public IWAL openWal(Path dir) {
        return RocksDbWAL.open(dir);
    }

    /** A transport for the node listening on {@code port} (the node's configuration carries the port). */
    public IRaftTransport transport(int port) {
        return NettyTransport.builder().ioThreads(1).threadNamePrefix("kommander-netty-" + port)
                .sharedSecret(SECRETS).build();
    }
}
