package io.kommander.transport.netty;

import io.kommander.testing.ClusterContractKit;
import io.kommander.transport.IRaftTransport;

import io.kommander.testing.TestCluster;
import io.kommander.wal.rocksdb.RocksDbWAL;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The cluster contract over NettyTransport on loopback, default frame limit; the membership scenario's nodes keep
 * their logs in RocksDbWAL.
 */
class NettyClusterContractTest extends ClusterContractKit {

    @TempDir
    Path folder;

    @Override
    protected TestCluster.WalFactory walFactory() {
        return (node, previous) -> RocksDbWAL.open(folder.resolve("node" + node));
    }

    @Override
    protected IRaftTransport transport(int node) {
        return NettyTransport.builder()
                .ioThreads(1)
                .threadNamePrefix("kcc-node" + node)
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .sharedSecret(TestNode.SECRETS)
                .build();
    }

    @Override
    protected int[] ports(int count) {
        return FreePorts.loopbackPorts(count);
    }
}
