package io.kommander.bench.scale;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionStatus;
import io.kommander.RaftConfiguration;
import io.kommander.RaftManager;
import io.kommander.bench.system.kommander.KommanderWiring;
import io.kommander.discovery.StaticDiscovery;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Three (or more) Kommander nodes in this JVM on RocksDbWAL and NettyTransport over loopback, holding many
 * partitions, for the {@code scale} measurements: start, close and restart a node, and ask who leads what.
 *
 * <p>Not thread-safe: the measuring thread drives it.
 */
final class ScaleCluster implements AutoCloseable {

    private final int partitions;
    private final int quiesceAfter;
    private final int[] ports;
    private final Path dataDir;
    private final KommanderWiring wiring = new KommanderWiring();
    private final RaftManager[] nodes;
    private final MeterRegistry[] meters;
    /** What nodes counted before they were stopped: a restarted node counts afresh in a new registry. */
    private ScaleCounts retired = ScaleCounts.ZERO;

    /**
     * @param quiesceAfter {@code quiesceAfterHeartbeats} of every node; null for the library's default
     */
    ScaleCluster(int nodes, int partitions, Integer quiesceAfter, int[] ports, Path dataDir) {
        this.partitions = partitions;
        this.quiesceAfter = quiesceAfter == null ? -1 : quiesceAfter;
        this.ports = ports.clone();
        this.dataDir = dataDir;
        this.nodes = new RaftManager[nodes];
        this.meters = new MeterRegistry[nodes];
    }

    int size() {
        return nodes.length;
    }

    /** The endpoint of node {@code i}. */
    String endpoint(int i) {
        return "127.0.0.1:" + ports[i];
    }

    /** Starts every node and waits until each has joined. */
    void startAll(long timeoutMillis) throws Exception {
        List<CompletableFuture<Void>> joins = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            joins.add(start(i));
        }
        CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).get(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Starts node {@code i} on its data folder (reopening what it holds) and returns its join. */
    CompletableFuture<Void> start(int i) {
        List<String> peers = new ArrayList<>();
        for (int j = 0; j < nodes.length; j++) {
            if (j != i) {
                peers.add(endpoint(j));
            }
        }
        RaftConfiguration.Builder configuration = RaftConfiguration.builder()
                .nodeId(i + 1)
                .host("127.0.0.1")
                .port(ports[i])
                .initialPartitions(partitions);
        if (quiesceAfter >= 0) {
            configuration.quiesceAfterHeartbeats(quiesceAfter);
        }
        meters[i] = new SimpleMeterRegistry();
        nodes[i] = RaftManager.builder()
                .configuration(configuration.build())
                .meterRegistry(meters[i])
                .wal(wiring.openWal(dataDir.resolve("node-" + i)))
                .transport(wiring.transport(ports[i]))
                .discovery(StaticDiscovery.of(peers))
                .build();
        return nodes[i].joinCluster();
    }

    /** Closes node {@code i} (an orderly stop; its data stays). */
    void stop(int i) {
        ScaleCounts last = ScaleCounts.of(meters[i]);
        retired = retired.plus(new ScaleCounts(last.electionsStarted(), last.electionsWon(), last.walWrites(),
                last.framesSent(), 0, 0));
        nodes[i].close();
        nodes[i] = null;
    }

    /** What every node counted so far, summed, stopped ones' counters included (their gauges are gone). */
    ScaleCounts counts() {
        ScaleCounts sum = retired;
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] != null) {
                sum = sum.plus(ScaleCounts.of(meters[i]));
            }
        }
        return sum;
    }

    /** How many user partitions some running node leads. */
    int ledPartitions() {
        int led = 0;
        for (int p = 1; p <= partitions; p++) {
            if (leaderOf(p) >= 0) {
                led++;
            }
        }
        return led;
    }

    /**
     * How many user partitions are led by their preferred leader (the first of their map's leader preference, as the
     * first running node applied the map): the balancer's hand-overs still under way are the partitions led
     * otherwise that have a preference.
     */
    int ledByPreferred() {
        PartitionMap map = null;
        for (RaftManager node : nodes) {
            if (node != null) {
                map = node.getPartitionMap();
                break;
            }
        }
        int preferred = 0;
        for (int p = 1; map != null && p <= partitions; p++) {
            int leader = leaderOf(p);
            List<String> preference = map.partition(p).map(PartitionDescriptor::leaderPreference).orElse(List.of());
            preferred += leader >= 0 && !preference.isEmpty() && preference.get(0).equals(endpoint(leader)) ? 1 : 0;
        }
        return preferred;
    }

    /** Replicas quiesced now, over every running node (system partitions included). */
    int quiescedReplicas() {
        int quiesced = 0;
        for (RaftManager node : nodes) {
            quiesced += node == null ? 0 : node.quiescedPartitions();
        }
        return quiesced;
    }

    private int leaderOf(int partition) {
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] != null && nodes[i].amILeaderQuick(partition)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether node {@code i} leads each user partition (index 0 is partition 1). */
    boolean[] ledByEach(int i) {
        boolean[] led = new boolean[partitions];
        for (int p = 1; p <= partitions; p++) {
            led[p - 1] = nodes[i] != null && nodes[i].amILeaderQuick(p);
        }
        return led;
    }

    /** Each user partition's term on node {@code i} (index 0 is partition 1): its rise counts elections. */
    long[] terms(int i) throws Exception {
        List<CompletableFuture<PartitionStatus>> statuses = new ArrayList<>(partitions);
        for (int p = 1; p <= partitions; p++) {
            statuses.add(nodes[i].partitionStatus(p));
        }
        long[] terms = new long[partitions];
        for (int p = 0; p < partitions; p++) {
            terms[p] = statuses.get(p).get(60, TimeUnit.SECONDS).term();
        }
        return terms;
    }

    @Override
    public void close() {
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] != null) {
                nodes[i].close();
                nodes[i] = null;
            }
        }
    }
}
