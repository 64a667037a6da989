package io.kommander.transport.netty;

import io.kommander.Member;
import io.kommander.RaftManager;
import io.kommander.RaftOperationStatus;
import io.kommander.testing.PayloadStateMachine;
import io.kommander.testing.TestCluster;
import io.kommander.wal.IWAL;
import io.kommander.wal.rocksdb.RocksDbWAL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Membership on real threads over NettyTransport, every node's log in RocksDbWAL: the cluster grows from three to
 * five members and shrinks back under continuous writes, and a node joins through a snapshot because the log it
 * needs is compacted. Every acknowledged write reaches every member exactly once, in order.
 */
class NettyMembershipTest {

    private static final int PARTITIONS = 2;

    @TempDir
    Path folder;

    private final IWAL[] wals = new IWAL[5];

    private TestCluster.Builder cluster(int size, int partitions) {
        return TestCluster.builder(size, partitions)
                .ports(FreePorts.loopbackPorts(size))
                .transport(node -> NettyTransport.builder()
                        .ioThreads(1)
                        .threadNamePrefix("km-node" + node)
                        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                        .sharedSecret(TestNode.SECRETS)
                        .build())
                .wal((node, previous) -> wals[node] = RocksDbWAL.open(folder.resolve("node" + node)));
    }

    @Test
    void clusterGrowsFromThreeToFiveAndShrinksBackUnderContinuousWrites() {
        try (TestCluster cluster = cluster(5, PARTITIONS).spares(2)
                .tuning(b -> b.electionTimeoutMillis(500, 1_000)).build().start()) {
            Map<Integer, List<String>> written = new HashMap<>();
            int[] counter = {0};

            writeWhile(cluster, written, counter, cluster.joinNode(3));
            writeWhile(cluster, written, counter, cluster.joinNode(4));
            awaitVoters(cluster, List.of(0, 1, 2, 3, 4));

            writeWhile(cluster, written, counter, removal(cluster, 4));
            writeWhile(cluster, written, counter, removal(cluster, 3));
            for (int n = 0; n <= 2; n++) {
                RaftManager node = cluster.node(n);
                await().atMost(TestCluster.WAIT).until(() -> node.getMembership().join().members().size() == 3);
            }
            for (int k = 0; k < 10; k++) {
                write(cluster, written, counter);
            }

            for (int p = 1; p <= PARTITIONS; p++) {
                List<String> expected = written.getOrDefault(p, List.of());
                for (int n = 0; n <= 2; n++) {
                    awaitHistory(cluster, n, p, expected);
                }
            }
            // The removed nodes were told: they take no further part.
            for (int n = 3; n <= 4; n++) {
                RaftManager removed = cluster.node(n);
                await().atMost(TestCluster.WAIT).until(() -> removed.replicateLogs(1, "t", new byte[1])
                        .get(10, TimeUnit.SECONDS).status() == RaftOperationStatus.NotAMember);
            }
        }
    }

    @Test
    void nodeThatJoinsThroughASnapshotHoldsTheSameApplicationState() {
        PayloadStateMachine[] applications = new PayloadStateMachine[4];
        try (TestCluster cluster = cluster(4, 1).spares(1)
                .tuning(b -> b.electionTimeoutMillis(500, 1_000).compactionIntervalMillis(50)
                        .snapshotRetentionEntries(10).snapshotChunkBytes(128))
                .snapshots(node -> applications[node] = new PayloadStateMachine()).build().start()) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                cluster.write(1, "before-" + i);
                expected.add("before-" + i);
            }
            // Every member compacted the first entries: whoever leads must send the new node a snapshot.
            for (int n = 0; n < 3; n++) {
                IWAL wal = wals[n];
                await().atMost(TestCluster.WAIT).until(() -> wal.compactedUpTo(1).index() > 0);
            }

            CompletableFuture<Void> joined = cluster.joinNode(3);
            joined.orTimeout(TestCluster.WAIT.toSeconds(), TimeUnit.SECONDS).join();
            for (int i = 0; i < 10; i++) {
                cluster.write(1, "after-" + i);
                expected.add("after-" + i);
            }

            assertThat(applications[3].installed(1)).isNotEmpty();
            for (PayloadStateMachine application : applications) {
                await().atMost(TestCluster.WAIT).until(() -> application.state(1).size() >= expected.size());
                assertThat(application.state(1)).containsExactlyElementsOf(expected);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void write(TestCluster cluster, Map<Integer, List<String>> written, int[] counter) {
        int p = 1 + counter[0] % PARTITIONS;
        String payload = "w-" + counter[0]++;
        cluster.write(p, payload);
        written.computeIfAbsent(p, k -> new ArrayList<>()).add(payload);
    }

    /** Writes to every partition in turn, each write acknowledged, until the change completes. */
    private static void writeWhile(TestCluster cluster, Map<Integer, List<String>> written, int[] counter,
                                   CompletableFuture<Void> change) {
        do {
            write(cluster, written, counter);
        } while (!change.isDone());
        change.orTimeout(TestCluster.WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    private static CompletableFuture<Void> removal(TestCluster cluster, int removed) {
        return cluster.node(0).removeMember(cluster.endpoint(removed)).thenAccept(status ->
                assertThat(status).as("removal of node %d", removed).isEqualTo(RaftOperationStatus.Success));
    }

    private static void awaitVoters(TestCluster cluster, List<Integer> members) {
        for (int n : members) {
            RaftManager node = cluster.node(n);
            await().atMost(TestCluster.WAIT).until(() -> {
                var membership = node.getMembership().join();
                return members.stream().allMatch(m -> membership.member(cluster.endpoint(m))
                        .map(member -> member.role() == Member.Role.VOTER).orElse(false));
            });
        }
    }

    private static void awaitHistory(TestCluster cluster, int node, int partition, List<String> expected) {
        await().atMost(TestCluster.WAIT).until(() -> cluster.history(node, partition).size() >= expected.size());
        assertThat(cluster.history(node, partition)).as("node %d, partition %d", node, partition)
                .extracting(TestCluster::text).containsExactlyElementsOf(expected);
    }
}
