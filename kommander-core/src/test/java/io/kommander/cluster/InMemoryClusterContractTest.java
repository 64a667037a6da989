package io.kommander.cluster;

import io.kommander.testing.ClusterContractKit;
import io.kommander.transport.IRaftTransport;
import io.kommander.transport.InMemoryNetwork;
import org.junit.jupiter.api.AfterEach;

/** The cluster contract on the in-memory transport, which checks identities as Netty does. */
class InMemoryClusterContractTest extends ClusterContractKit {

    private final InMemoryNetwork network = new InMemoryNetwork();

    @Override
    protected IRaftTransport transport(int node) {
        return network.transport();
    }

    @Override
    protected int[] ports(int count) {
        return java.util.stream.IntStream.range(0, count).map(i -> 7101 + i).toArray();
    }

    @AfterEach
    void closeNetwork() {
        network.close();
    }
}
