package io.kommander.internal.node;

import io.kommander.RaftConfiguration;
import io.kommander.discovery.StaticDiscovery;
import io.kommander.transport.InMemoryNetwork;
import io.kommander.wal.InMemoryWAL;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NodeIncarnationTest {

    private static RaftNode node(InMemoryWAL wal, InMemoryNetwork network) {
        return new RaftNode(RaftConfiguration.builder().port(7611).initialPartitions(1)
                .electionTimeoutMillis(150, 300).heartbeatIntervalMillis(25).build(), wal, network.transport(),
                StaticDiscovery.of(List.of()), null);
    }

    @Test
    void aNodeStoresItsIncarnationAtFirstStartAndKeepsItAcrossRestarts() {
        try (InMemoryNetwork network = new InMemoryNetwork()) {
            InMemoryWAL wal = new InMemoryWAL();
            long incarnation;
            try (RaftNode first = node(wal, network)) {
                first.joinCluster().join();
                incarnation = first.incarnation();
                assertThat(incarnation).isNotZero();
            }
            InMemoryWAL reopened = wal.reopen();
            assertThat(reopened.metadata(NodeCatchUp.INCARNATION_KEY).map(ByteBuffer::wrap).map(ByteBuffer::getLong))
                    .contains(incarnation);
            assertThat(reopened.metadata(NodeCatchUp.CATCH_UP_KEY)).as("a lone member decides a first start")
                    .hasValueSatisfying(mark -> assertThat(mark).containsExactly(0));
            try (RaftNode again = node(reopened, network)) {
                again.joinCluster().join();
                assertThat(again.incarnation()).isEqualTo(incarnation);
            }
        }
    }
}
