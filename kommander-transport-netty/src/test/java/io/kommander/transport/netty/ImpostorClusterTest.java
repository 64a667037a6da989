package io.kommander.transport.netty;

import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.testing.TestCluster;
import io.kommander.transport.NodeIdentity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 16 end to end: a 3-node cluster over Netty with a shared secret, under writes, while raw-socket impostors
 * that do not hold the secret send every node forged AppendLogs (with an entry at the next index), RequestVotes of
 * term {@code Long.MAX_VALUE} with the transfer flag, TimeoutNows and AppendLogsResponses, claiming to be the
 * leader or another member, in every way the handshake could be skipped. No partition sees any of it: the terms
 * and the leader do not move, no message reaches a node at all, and every acknowledged write is delivered
 * everywhere, forged entry nowhere.
 */
class ImpostorClusterTest {

    private static final int ATTACKS_PER_NODE = 10;

    @Test
    void forgedMessagesFromPeersWithoutTheSecretNeverReachAPartition() {
        TestCluster.Builder builder = TestCluster.builder(3, 1)
                .ports(FreePorts.loopbackPorts(3))
                .transport(node -> NettyTransport.builder().ioThreads(1).threadNamePrefix("ki-node" + node)
                        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                        .sharedSecret(TestNode.SECRETS).build())
                // Elections only if a leader really fails: a loaded machine must not move the leader by itself.
                .tuning(b -> b.heartbeatIntervalMillis(100).electionTimeoutMillis(3_000, 6_000));
        try (TestCluster cluster = builder.build().start()) {
            int leader = cluster.awaitLeader(1);
            List<String> acknowledged = new ArrayList<>();
            write(cluster, acknowledged, "before");
            long[] terms = terms(cluster);

            for (int round = 0; round < ATTACKS_PER_NODE; round++) {
                for (int n = 0; n < cluster.size(); n++) {
                    String target = cluster.endpoint(n);
                    int claimed = n == leader ? (n + 1) % cluster.size() : leader;
                    assertThat(Impostor.attack(target, impersonating(cluster, claimed), round)).isTrue();
                }
                write(cluster, acknowledged, "during-" + round);
            }

            write(cluster, acknowledged, "after");
            for (int n = 0; n < cluster.size(); n++) {
                int node = n;
                await().atMost(TestCluster.WAIT).until(() -> cluster.history(node, 1).size() >= acknowledged.size());
                assertThat(cluster.history(node, 1)).extracting(TestCluster::text)
                        .containsExactlyElementsOf(acknowledged);
                assertThat(cluster.node(node).unknownSenderMessages()).isZero();
            }
            assertThat(terms(cluster)).containsExactly(terms);
            assertThat(cluster.leaderOf(1)).isEqualTo(leader);
        }
    }

    /** Exactly the identity member {@code node} presents: everything in it is known to anyone who can listen. */
    private static NodeIdentity impersonating(TestCluster cluster, int node) {
        List<String> members = new ArrayList<>();
        for (int n = 0; n < cluster.size(); n++) {
            members.add(cluster.endpoint(n));
        }
        return NodeIdentity.of("kommander", node + 1, cluster.endpoint(node), members, cluster.partitions());
    }

    private static void write(TestCluster cluster, List<String> acknowledged, String payload) {
        RaftReplicationResult result = cluster.write(1, payload);
        assertThat(result.status()).isEqualTo(RaftOperationStatus.Success);
        acknowledged.add(payload);
    }

    /** Each node's term of partition 1. */
    private static long[] terms(TestCluster cluster) {
        long[] terms = new long[cluster.size()];
        for (int n = 0; n < cluster.size(); n++) {
            terms[n] = cluster.node(n).partitionStatus(1).join().term();
        }
        return terms;
    }
}
