package io.kommander.cluster;

import io.kommander.RaftConfiguration;
import io.kommander.RaftConfigurationException;
import io.kommander.RaftManager;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.discovery.StaticDiscovery;
import io.kommander.testing.TestCluster;
import io.kommander.transport.InMemoryNetwork;
import io.kommander.wal.InMemoryWAL;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The size rule of replicateLogs (the transport-facing half is in ClusterContractKit and FrameBudgetTest). */
class EntrySizeLimitTest {

    @Test
    void theTypeCountsInUtf8AndAProposalLargerThanMaxProposalBytesIsRefusedWhole() {
        try (TestCluster cluster = TestCluster.builder(1, 1)
                .tuning(b -> b.maxEntryBytes(100).maxProposalBytes(250)).build().start()) {
            RaftManager node = cluster.node(cluster.awaitLeader(1));
            String type = "é";   // two bytes in UTF-8
            assertThat(node.replicateLogs(1, type, new byte[99]).join().status())
                    .isEqualTo(RaftOperationStatus.EntryTooLarge);
            RaftReplicationResult first = node.replicateLogs(1, type, new byte[98]).join();
            assertThat(first.success()).isTrue();

            RaftReplicationResult whole = node.replicateLogs(1, type, List.of(new byte[90], new byte[90],
                    new byte[90]), true).join();
            assertThat(whole.status()).isEqualTo(RaftOperationStatus.EntryTooLarge);
            assertThat(whole.logIndex()).isZero();

            RaftReplicationResult within = node.replicateLogs(1, "t", List.of(new byte[80], new byte[80],
                    new byte[80]), true).join();
            assertThat(within.status()).as("three entries of 81 bytes").isEqualTo(RaftOperationStatus.Success);
            assertThat(within.logIndex()).as("nothing of the refused proposal was appended")
                    .isEqualTo(first.logIndex() + 3);
        }
    }

    @Test
    void aNodeRefusesToBuildWithALargestEntryItsTransportCannotCarry() {
        try (InMemoryNetwork network = new InMemoryNetwork()) {
            long batch = network.transport().maxBatchBytes();
            int largest = (int) (batch - 148);
            assertThatThrownBy(() -> build(network, largest + 1))
                    .isInstanceOf(RaftConfigurationException.class)
                    .hasMessageContaining("maxEntryBytes: must be <= " + largest)
                    .hasMessageContaining("InMemoryTransport (" + batch + " bytes)");
            build(network, largest).close();
        }
    }

    private static RaftManager build(InMemoryNetwork network, int maxEntryBytes) {
        return RaftManager.builder()
                .configuration(RaftConfiguration.builder().maxEntryBytes(maxEntryBytes).build())
                .wal(new InMemoryWAL()).transport(network.transport())
                .discovery(StaticDiscovery.of("127.0.0.1:7002")).build();
    }
}
