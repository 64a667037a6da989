package io.kommander.bench.moves;

import io.kommander.PartitionMap;
import io.kommander.RaftConfiguration;
import io.kommander.RaftManager;
import io.kommander.bench.system.kommander.KommanderWiring;
import io.kommander.discovery.StaticDiscovery;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Three Kommander nodes in this JVM on RocksDbWAL and NettyTransport over loopback (the bench's
 * {@link KommanderWiring}), each with its own {@link KeyedStore}, for the {@code moves} run.
 *
 * <p>Started and closed by the measuring thread; {@link #node}, {@link #leaderOf} and {@link #map} are safe from
 * any thread once started.
 */
final class MovesCluster implements AutoCloseable {

    private final RaftManager[] nodes;
    private final KeyedStore[] stores;

    MovesCluster(int size, int partitions, int[] ports, Path dataDir) {
        KommanderWiring wiring = new KommanderWiring();
        nodes = new RaftManager[size];
        stores = new KeyedStore[size];
        for (int i = 0; i < size; i++) {
            List<String> peers = new ArrayList<>();
            for (int j = 0; j < size; j++) {
                if (j != i) {
                    peers.add("127.0.0.1:" + ports[j]);
                }
            }
            stores[i] = new KeyedStore();
            nodes[i] = RaftManager.builder()
                    .configuration(RaftConfiguration.builder().nodeId(i + 1).host("127.0.0.1").port(ports[i])
                            .initialPartitions(partitions).build())
                    .wal(wiring.openWal(dataDir.resolve("node-" + i)))
                    .transport(wiring.transport(ports[i]))
                    .discovery(StaticDiscovery.of(peers))
                    .stateMachineTransfer(stores[i])
                    .build();
            stores[i].attach(nodes[i]);
        }
    }

    /** Joins every node and waits until each has joined. */
    void start(long timeoutMillis) throws Exception {
        List<CompletableFuture<Void>> joins = new ArrayList<>();
        for (RaftManager node : nodes) {
            joins.add(node.joinCluster());
        }
        CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).get(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    int size() {
        return nodes.length;
    }

    RaftManager node(int i) {
        return nodes[i];
    }

    KeyedStore store(int i) {
        return stores[i];
    }

    /** The partition map as node 0 knows it: what a client of that node routes by. */
    PartitionMap map() {
        return nodes[0].getPartitionMap();
    }

    /** The node that believes it leads {@code partition}, or -1. */
    int leaderOf(int partition) {
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i].amILeaderQuick(partition)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        for (RaftManager node : nodes) {
            node.close();
        }
    }
}
