package io.kommander.testing;

import io.kommander.RaftConfiguration;
import io.kommander.RaftConfigurationException;
import io.kommander.RaftLog;
import io.kommander.RaftManager;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.discovery.StaticDiscovery;
import io.kommander.transport.IRaftTransport;
import io.kommander.wal.InMemoryWAL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What every transport must uphold so that a wrong configuration fails loudly and one entry cannot cost a
 * partition its leader: members that disagree on who they are refuse each other at the handshake (and
 * {@code joinCluster()} fails, naming both sides), and an entry too large for the transport is refused before it
 * is appended. Each transport's tests extend this kit and supply {@link #transport(int)} and {@link #ports(int)}.
 */
public abstract class ClusterContractKit {

    /** How long a refused join may take to fail: the first exchange between two nodes refuses them. */
    protected static final Duration PROMPTLY = Duration.ofSeconds(15);

    private final List<AutoCloseable> started = new ArrayList<>();

    /** A new, unstarted transport for node {@code node} (0-based). */
    protected abstract IRaftTransport transport(int node);

    /** {@code count} distinct ports free on 127.0.0.1. */
    protected abstract int[] ports(int count);

    /** The WALs of the membership scenario's nodes (default: in memory); a durable WAL's tests may supply theirs. */
    protected TestCluster.WalFactory walFactory() {
        return TestCluster.WalFactory.inMemory();
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable closeable : started) {
            closeable.close();
        }
    }

    @Test
    void twoMembersWithOneNodeIdAreRefusedAndJoinFailsNamingBoth() {
        int[] ports = ports(2);
        RaftManager a = start(0, config(ports[0]).nodeId(1), ports[1]);
        RaftManager b = start(1, config(ports[1]).nodeId(1), ports[0]);
        assertJoinRefused(a, "nodeId", "node id 1", endpoint(ports[0]), endpoint(ports[1]));
        assertJoinRefused(b, "nodeId", "node id 1", endpoint(ports[0]), endpoint(ports[1]));
    }

    @Test
    void membersThatListDifferentMembersAreRefused() {
        int[] ports = ports(4);
        start(0, config(ports[0]).nodeId(1), ports[1], ports[2]);
        start(1, config(ports[1]).nodeId(2), ports[0], ports[2]);
        RaftManager odd = start(2, config(ports[2]).nodeId(3), ports[0], ports[1], ports[3]);
        assertJoinRefused(odd, "discovery", "4 members", "3 members", endpoint(ports[2]));
    }

    @Test
    void membersWithDifferentPartitionCountsAreRefused() {
        int[] ports = ports(2);
        RaftManager a = start(0, config(ports[0]).nodeId(1).initialPartitions(8), ports[1]);
        RaftManager b = start(1, config(ports[1]).nodeId(2).initialPartitions(4), ports[0]);
        assertJoinRefused(a, "initialPartitions", "8", "4", endpoint(ports[0]), endpoint(ports[1]));
        assertJoinRefused(b, "initialPartitions", "8", "4", endpoint(ports[0]), endpoint(ports[1]));
    }

    /** Endpoints are compared as written: listing a member under another name is refused, not silently ignored. */
    @Test
    void aMemberListedUnderAnotherHostNameIsRefused() {
        int[] ports = ports(2);
        RaftManager a = start(List.of("localhost:" + ports[1]), 0, config(ports[0]).nodeId(1));
        RaftManager b = start(1, config(ports[1]).nodeId(2), ports[0]);
        assertJoinRefused(a, null, endpoint(ports[0]), endpoint(ports[1]));
        assertJoinRefused(b, null, endpoint(ports[0]), endpoint(ports[1]));
    }

    /**
     * A 20 MiB entry used to be appended, dropped by the transport and retried until the followers deposed the
     * leader. It is refused before anything is queued; an entry of exactly {@code maxEntryBytes} replicates.
     */
    @Test
    void anEntryTooLargeForTheTransportIsRefusedUpFrontAndCostsNoElection() {
        TestCluster cluster = TestCluster.builder(3, 1).ports(ports(3)).transport(this::transport)
                // Long election timeouts: a busy machine must not cause the election this test says cannot happen.
                .tuning(b -> b.electionTimeoutMillis(1_000, 2_000))
                .build();
        started.add(cluster);
        cluster.start();
        RaftReplicationResult before = cluster.write(1, "before");
        int leader = cluster.awaitLeader(1);

        RaftManager node = cluster.node(leader);
        int limit = RaftConfiguration.builder().build().maxEntryBytes();

        assertThat(replicate(node, new byte[20 << 20]).status()).isEqualTo(RaftOperationStatus.EntryTooLarge);
        RaftReplicationResult justOver = replicate(node, new byte[limit - TYPE.length() + 1]);
        assertThat(justOver.status()).isEqualTo(RaftOperationStatus.EntryTooLarge);
        assertThat(justOver.logIndex()).isZero();

        byte[] atLimit = new byte[limit - TYPE.length()];
        RaftReplicationResult fits = replicate(node, atLimit);
        assertThat(fits.success()).as("an entry of exactly maxEntryBytes: %s", fits.status()).isTrue();
        assertThat(fits.logIndex()).as("nothing appended in between, no new leader's barrier").isEqualTo(
                before.logIndex() + 1);
        for (int n = 0; n < cluster.size(); n++) {
            int member = n;
            await().atMost(TestCluster.WAIT).until(() -> cluster.history(member, 1).stream()
                    .anyMatch(log -> log.index() == fits.logIndex()));
            List<RaftLog> history = cluster.history(member, 1);
            RaftLog last = history.get(history.size() - 1);
            RaftLog previous = history.get(history.size() - 2);
            assertThat(last.data()).as("on node %s", member).isEqualTo(atLimit);
            assertThat(TestCluster.text(previous)).isEqualTo("before");
            assertThat(last.term()).as("term on node %s", member).isEqualTo(previous.term());
        }
    }

    /**
     * Membership over this transport, on real threads: a fourth node joins a running cluster of three (learner,
     * then voter) while writes go on, then is removed again; every acknowledged write reaches every member exactly
     * once, in order.
     */
    @Test
    void aNodeJoinsARunningClusterAndIsRemovedAgainWhileWritesGoOn() {
        TestCluster cluster = TestCluster.builder(4, 2).spares(1).ports(ports(4)).transport(this::transport)
                .wal(walFactory()).tuning(b -> b.electionTimeoutMillis(500, 1_000)).build();
        started.add(cluster);
        cluster.start();
        List<String> written = new ArrayList<>();
        CompletableFuture<Void> joined = cluster.joinNode(3);
        int i = 0;
        while (!joined.isDone() || i < 20) {
            cluster.write(1, "w-" + i);
            written.add("w-" + i++);
        }
        joined.orTimeout(TestCluster.WAIT.toSeconds(), TimeUnit.SECONDS).join();
        await().atMost(TestCluster.WAIT).until(() -> cluster.node(3).getMembership().join().member(endpoint(3, cluster))
                .map(m -> m.role() == io.kommander.Member.Role.VOTER).orElse(false));
        awaitHistory(cluster, List.of(0, 1, 2, 3), written);

        CompletableFuture<RaftOperationStatus> removed = cluster.node(0).removeMember(cluster.endpoint(3));
        while (!removed.isDone()) {
            cluster.write(1, "w-" + i);
            written.add("w-" + i++);
        }
        assertThat(removed.join()).isEqualTo(RaftOperationStatus.Success);
        for (int n = 0; n < 3; n++) {
            RaftManager node = cluster.node(n);
            await().atMost(TestCluster.WAIT).until(() -> node.getMembership().join().members().size() == 3);
        }
        for (int k = 0; k < 10; k++) {
            cluster.write(1, "w-" + i);
            written.add("w-" + i++);
        }
        awaitHistory(cluster, List.of(0, 1, 2), written);
    }

    // ------------------------------------------------------------------ helpers

    private static String endpoint(int node, TestCluster cluster) {
        return cluster.endpoint(node);
    }

    private static void awaitHistory(TestCluster cluster, List<Integer> nodes, List<String> expected) {
        for (int n : nodes) {
            await().atMost(TestCluster.WAIT).until(() -> cluster.history(n, 1).size() >= expected.size());
            assertThat(cluster.history(n, 1)).as("node %d", n).extracting(TestCluster::text)
                    .containsExactlyElementsOf(expected);
        }
    }

    private static final String TYPE = "test";

    private static RaftReplicationResult replicate(RaftManager node, byte[] data) {
        return node.replicateLogs(1, TYPE, data).orTimeout(PROMPTLY.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** 127.0.0.1 at {@code port}: how nodes of this kit name each other. */
    protected static String endpoint(int port) {
        return "127.0.0.1:" + port;
    }

    private static RaftConfiguration.Builder config(int port) {
        return RaftConfiguration.builder().port(port).initialPartitions(1).heartbeatIntervalMillis(25)
                .electionTimeoutMillis(150, 300).executorPoolSize(2).walReadWorkers(1).walWriteWorkers(1);
    }

    private RaftManager start(int node, RaftConfiguration.Builder config, int... peerPorts) {
        List<String> peers = new ArrayList<>();
        for (int port : peerPorts) {
            peers.add(endpoint(port));
        }
        return start(peers, node, config);
    }

    private RaftManager start(List<String> peers, int node, RaftConfiguration.Builder config) {
        RaftManager manager = RaftManager.builder().configuration(config.build()).wal(new InMemoryWAL())
                .transport(transport(node)).discovery(StaticDiscovery.of(peers)).build();
        started.add(manager);
        manager.joinCluster();
        return manager;
    }

    /**
     * Asserts that the node's join fails promptly with a {@link RaftConfigurationException} about {@code field}
     * (any field when null) whose message contains every fragment.
     */
    private static void assertJoinRefused(RaftManager node, String field, String... fragments) {
        CompletableFuture<Void> join = node.joinCluster();
        Throwable cause = assertThat(join).failsWithin(PROMPTLY).withThrowableOfType(ExecutionException.class)
                .actual().getCause();
        assertThat(cause).isInstanceOf(RaftConfigurationException.class);
        if (field != null) {
            assertThat(((RaftConfigurationException) cause).field()).isEqualTo(field);
        }
        for (String fragment : fragments) {
            assertThat(cause.getMessage()).contains(fragment);
        }
    }
}
