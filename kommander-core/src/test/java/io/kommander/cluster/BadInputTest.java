package io.kommander.cluster;

import io.kommander.IRaft;
import io.kommander.RaftConfiguration;
import io.kommander.RaftConfigurationException;
import io.kommander.RaftManager;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.discovery.StaticDiscovery;
import io.kommander.testing.TestCluster;
import io.kommander.transport.InMemoryNetwork;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.NodeIdentity;
import io.kommander.transport.RaftMessage;
import io.kommander.transport.TransportBinding;
import io.kommander.wal.InMemoryWAL;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class BadInputTest {

    @Test
    void unknownPartitionIsRefused() {
        try (TestCluster cluster = TestCluster.inMemory(1, 2).start()) {
            RaftManager node = cluster.node(0);
            assertThat(node.replicateLogs(99, "t", new byte[1]).join().status())
                    .isEqualTo(RaftOperationStatus.UnknownPartition);
            assertThat(node.replicateLogs(0, "t", new byte[1]).join().status())
                    .as("the system partition is internal").isEqualTo(RaftOperationStatus.UnknownPartition);
            assertThat(node.transferLeadership(42, "x:1").join()).isEqualTo(RaftOperationStatus.UnknownPartition);
            assertThat(node.confirmLeadership(42).join()).isFalse();
        }
    }

    @Test
    void callsOnClosedNodeCompleteWithNodeClosed() {
        try (TestCluster cluster = TestCluster.inMemory(1, 1).start()) {
            RaftManager node = cluster.node(0);
            cluster.awaitLeader(1);
            node.close();
            node.close();
            assertThat(node.replicateLogs(1, "t", new byte[1]).join().status()).isEqualTo(RaftOperationStatus.NodeClosed);
            assertThat(node.commitLogs(1, io.kommander.time.HLCTimestamp.ZERO).join().status())
                    .isEqualTo(RaftOperationStatus.NodeClosed);
            assertThat(node.amILeaderQuick(1)).isFalse();
            assertThat(node.joinCluster()).isCompletedExceptionally();
        }
    }

    @Test
    void writeOnFollowerFailsWithLeaderEndpoint() {
        try (TestCluster cluster = TestCluster.inMemory(3, 1).start()) {
            int leader = cluster.awaitLeader(1);
            int follower = cluster.others(leader).get(0);
            await().atMost(TestCluster.WAIT).until(() ->
                    cluster.endpoint(leader).equals(cluster.node(follower).waitForLeader(1,
                            java.time.Duration.ofSeconds(5)).join()));
            RaftReplicationResult result = cluster.node(follower).replicateLogs(1, "t", new byte[1]).join();
            assertThat(result.status()).isEqualTo(RaftOperationStatus.NodeIsNotLeader);
            assertThat(result.leader()).isEqualTo(cluster.endpoint(leader));
        }
    }

    @Test
    void nullOrEmptyPayloadsAreRejected() {
        try (TestCluster cluster = TestCluster.inMemory(1, 1).start()) {
            RaftManager node = cluster.node(0);
            assertThatThrownBy(() -> node.replicateLogs(1, "t", (byte[]) null))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> node.replicateLogs(1, "t", List.of(), true))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void transferLeadershipRefusesANullUnknownOrOwnTargetUpFront() {
        try (TestCluster cluster = TestCluster.inMemory(3, 1).start()) {
            int leader = cluster.awaitLeader(1);
            RaftManager node = cluster.node(leader);
            assertThatThrownBy(() -> node.transferLeadership(1, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target");
            assertThatThrownBy(() -> node.transferLeadership(1, "127.0.0.1:1"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("127.0.0.1:1");
            assertThatThrownBy(() -> node.transferLeadership(1, cluster.endpoint(leader)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("itself");
            assertThat(cluster.write(1, "still-served").success()).isTrue();
        }
    }

    @Test
    void messagesFromUnknownNodesAndForUnknownPartitionsAreIgnoredAndCounted() {
        InMemoryNetwork network = new InMemoryNetwork();
        try (RaftManager node = RaftManager.builder()
                .configuration(RaftConfiguration.builder().port(7501).initialPartitions(1)
                        .electionTimeoutMillis(150, 300).heartbeatIntervalMillis(25).build())
                .wal(new InMemoryWAL()).transport(network.transport())
                .discovery(StaticDiscovery.of("127.0.0.1:7502")).build()) {
            node.joinCluster();
            NodeIdentity peerIdentity = NodeIdentity.of("kommander", 2, "127.0.0.1:7502",
                    List.of("127.0.0.1:7501", "127.0.0.1:7502"), 1);
            // A stranger that presents the members' digest passes the identity check; the node still drops it.
            NodeIdentity strangerIdentity = new NodeIdentity("kommander", 9, "127.0.0.1:7999",
                    peerIdentity.memberCount(), peerIdentity.membersDigest(), 1);
            var stranger = network.transport();
            stranger.start(new TransportBinding(strangerIdentity, b -> { }, r -> { }));
            var peer = network.transport();
            peer.start(new TransportBinding(peerIdentity, b -> { }, r -> { }));
            RaftMessage vote = new RaftMessage.RequestVote(0, 50, 10, 10, false, false);
            stranger.send("127.0.0.1:7501", new MessageBatch("127.0.0.1:7999", List.of(vote)));
            peer.send("127.0.0.1:7501", new MessageBatch("127.0.0.1:7502",
                    List.of(new RaftMessage.RequestVote(77, 50, 10, 10, false, false))));
            IRaft raft = node;
            assertThat(raft.unknownSenderMessages()).isEqualTo(1);
            assertThat(raft.unknownPartitionMessages()).isEqualTo(1);
        } finally {
            network.close();
        }
    }

    @Test
    void aNegativeLogCacheByteBoundIsRefused() {
        assertThatThrownBy(() -> RaftConfiguration.builder().logCacheBytes(-1).build())
                .isInstanceOf(RaftConfigurationException.class)
                .extracting(e -> ((RaftConfigurationException) e).field()).isEqualTo("logCacheBytes");
    }

    @Test
    void invalidConfigurationNamesTheFieldAndRule() {
        assertThatThrownBy(() -> RaftConfiguration.builder().port(0).build())
                .isInstanceOf(RaftConfigurationException.class).hasMessageContaining("port")
                .extracting(e -> ((RaftConfigurationException) e).field()).isEqualTo("port");
        assertThatThrownBy(() -> RaftConfiguration.builder().electionTimeoutMillis(300, 200).build())
                .hasMessageContaining("electionTimeoutMaxMillis");
        assertThatThrownBy(() -> RaftConfiguration.builder().heartbeatIntervalMillis(1500).build())
                .hasMessageContaining("electionTimeoutMinMillis");
        assertThatThrownBy(() -> RaftConfiguration.builder().initialPartitions(0).build())
                .hasMessageContaining("initialPartitions");
        assertThatThrownBy(() -> RaftConfiguration.builder().host("a:b").build()).hasMessageContaining("host");
        assertThatThrownBy(() -> RaftConfiguration.builder().maxClientQueue(0).build())
                .hasMessageContaining("maxClientQueue");
        assertThatThrownBy(() -> RaftManager.builder().build()).hasMessageContaining("configuration");
        assertThatThrownBy(() -> RaftManager.builder().configuration(RaftConfiguration.builder().build()).build())
                .hasMessageContaining("wal");
        assertThatThrownBy(() -> RaftManager.builder().configuration(RaftConfiguration.builder().port(7001).build())
                .wal(new InMemoryWAL()).transport(new InMemoryNetwork().transport())
                .discovery(StaticDiscovery.of("127.0.0.1:7001")).build())
                .hasMessageContaining("discovery");
        assertThatThrownBy(() -> StaticDiscovery.of("nohost")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNodeWithoutAnIdTakesOneDerivedFromItsEndpointNotASharedDefault() {
        int a = RaftConfiguration.builder().port(7001).build().nodeId();
        int b = RaftConfiguration.builder().port(7002).build().nodeId();
        assertThat(a).isPositive().isNotEqualTo(b).isEqualTo(RaftConfiguration.builder().port(7001).build().nodeId());
        assertThat(RaftConfiguration.builder().host("10.0.0.1").port(7001).build().nodeId()).isNotEqualTo(a);
        assertThat(RaftConfiguration.builder().port(7001).nodeId(5).build().nodeId()).isEqualTo(5);
        assertThat(RaftConfiguration.builder().port(7001).build().nodeName()).isEqualTo("node-" + a);
    }

    @Test
    void sizeLimitsAreCheckedAgainstEachOther() {
        assertThatThrownBy(() -> RaftConfiguration.builder().maxEntryBytes(0).build())
                .hasMessage("maxEntryBytes: must be >= 1 (was 0)");
        assertThatThrownBy(() -> RaftConfiguration.builder().maxEntryBytes(2048).maxProposalBytes(1024).build())
                .hasMessage("maxProposalBytes: must be >= maxEntryBytes (2048), was 1024");
    }

    @Test
    void partitionKeysAreStableAndAgreeAcrossNodes() {
        try (TestCluster cluster = TestCluster.inMemory(3, 16).start()) {
            for (int i = 0; i < 1000; i++) {
                String key = "orders/" + i;
                int p = cluster.node(0).getPartitionKey(key);
                assertThat(p).isBetween(1, 16);
                assertThat(cluster.node(1).getPartitionKey(key)).isEqualTo(p);
                assertThat(cluster.node(2).getPartitionKey(key)).isEqualTo(p);
            }
            assertThat(cluster.node(0).partitionCount()).isEqualTo(16);
        }
    }
}
