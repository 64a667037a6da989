package io.kommander.transport.netty;

import io.kommander.testing.ClusterContractKit;
import io.kommander.transport.IRaftTransport;

import java.time.Duration;

/** The cluster contract over NettyTransport on loopback, default frame limit. */
class NettyClusterContractTest extends ClusterContractKit {

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
