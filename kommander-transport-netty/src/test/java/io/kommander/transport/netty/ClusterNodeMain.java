package io.kommander.transport.netty;

import io.kommander.RaftConfiguration;
import io.kommander.RaftManager;
import io.kommander.discovery.StaticDiscovery;
import io.kommander.wal.rocksdb.RocksDbWAL;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One cluster node in its own JVM, for {@link MultiProcessClusterTest}: RocksDbWAL in a folder, NettyTransport on
 * loopback, one user partition. Reads {@code write <id>} commands on stdin; reports on stdout, one event a line:
 * {@code READY}, {@code LEADER <endpoint>}, {@code ACK <id>}, {@code NACK <id> <status>},
 * {@code DELIVERED <index> <id>}, {@code RESTORED <index> <id>}; and {@code TERM <term>} for a {@code status}
 * command.
 *
 * <p>Arguments: node index, data folder, then every node's port. The system property
 * {@value #ELECTION_TIMEOUT_PROPERTY} sets the lower election timeout in ms (default 400; the upper is twice it).
 */
public final class ClusterNodeMain {

    /** The system property that sets the lower election timeout, in milliseconds. */
    static final String ELECTION_TIMEOUT_PROPERTY = "kommander.test.electionTimeoutMillis";

    private ClusterNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        int index = Integer.parseInt(args[0]);
        Path data = Path.of(args[1]);
        List<String> peers = new ArrayList<>();
        int port = 0;
        for (int i = 2; i < args.length; i++) {
            if (i - 2 == index) {
                port = Integer.parseInt(args[i]);
            } else {
                peers.add("127.0.0.1:" + args[i]);
            }
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        int electionTimeout = Integer.getInteger(ELECTION_TIMEOUT_PROPERTY, 400);
        RaftManager raft = RaftManager.builder()
                .configuration(RaftConfiguration.builder().nodeId(index + 1).port(port).initialPartitions(1)
                        .heartbeatIntervalMillis(50).electionTimeoutMillis(electionTimeout, 2 * electionTimeout)
                        .build())
                .wal(RocksDbWAL.open(data))
                .transport(NettyTransport.builder().ioThreads(1)
                        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                        .sharedSecret(TestNode.SECRETS).build())
                .discovery(StaticDiscovery.of(peers))
                .build();
        raft.onLeaderChanged((p, leader) -> out.println("LEADER " + leader));
        raft.onReplicationReceived((p, log) -> {
            out.println("DELIVERED " + log.index() + " " + new String(log.data(), StandardCharsets.UTF_8));
            return true;
        });
        raft.onLogRestored((p, log) ->
                out.println("RESTORED " + log.index() + " " + new String(log.data(), StandardCharsets.UTF_8)));
        raft.joinCluster().join();
        out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("write ")) {
                String id = line.substring(6);
                raft.replicateLogs(1, "test", id.getBytes(StandardCharsets.UTF_8)).thenAccept(r ->
                        out.println(r.success() ? "ACK " + id : "NACK " + id + " " + r.status()));
            } else if (line.equals("status")) {
                raft.partitionStatus(1).thenAccept(status -> out.println("TERM " + status.term()));
            }
        }
        raft.close();
    }
}
