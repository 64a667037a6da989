package io.kommander.bench.system.kommander;

import io.kommander.IRaft;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionStatus;
import io.kommander.bench.node.NodeSpec;
import io.kommander.bench.node.NodeStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads a Kommander node's {@link NodeStats}: its counters from the meter registry it was built with (its meters
 * carry the tag {@code node=node-<id>}, so nodes sharing a registry keep apart), the process's CPU time, and its
 * placement from {@code partitionStatus} and the partition map. Whether it leads partition 0 is read from its gauge
 * of partitions led (which counts partition 0, unlike the API), so it is known only with a registry. Stateless.
 */
final class KommanderStats {

    private static final long STATUS_TIMEOUT_SECONDS = 10;
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private KommanderStats() {
    }

    /**
     * The stats of node {@code spec.index()}.
     *
     * @param registry the node's registry; its counters read 0 without one
     */
    static NodeStats of(IRaft manager, MeterRegistry registry, NodeSpec spec) {
        String node = "node-" + (spec.index() + 1);
        long synced = 0;
        long walWrites = 0;
        long messages = 0;
        long frames = 0;
        long bytes = 0;
        if (registry != null) {
            synced = (long) registry.find("kommander.wal.batch.size").tag("node", node).summaries().stream()
                    .mapToDouble(DistributionSummary::totalAmount).sum();
            walWrites = registry.find("kommander.wal.sync").tag("node", node).timers().stream()
                    .mapToLong(Timer::count).sum();
            messages = sent(registry, "kommander.messages", node);
            frames = sent(registry, "kommander.transport.frames", node);
            bytes = sent(registry, "kommander.transport.bytes", node);
        }
        BitSet hosted = new BitSet();
        BitSet placed = new BitSet();
        String me = spec.endpoint(spec.index());
        BitSet led = new BitSet();
        BitSet settled = new BitSet();
        PartitionMap map = manager.getPartitionMap();
        List<CompletableFuture<PartitionStatus>> statuses = new ArrayList<>();
        for (int p = 0; p < spec.partitions(); p++) {
            statuses.add(manager.partitionStatus(p + 1));
        }
        for (int p = 0; p < spec.partitions(); p++) {
            if (map.partition(p + 1).map(d -> d.hostedBy(me)).orElse(false)) {
                placed.set(p);
            }
            Optional<PartitionStatus> status = status(statuses.get(p));
            if (status.isEmpty()) {
                continue; // not hosted here: partitionStatus fails for a partition this node does not hold
            }
            hosted.set(p);
            if (status.get().state() == PartitionStatus.State.LEADER) {
                led.set(p);
                if (placed(status.get(), map.partition(p + 1), spec)) {
                    settled.set(p);
                }
            }
        }
        // The API answers for user partitions only; the node's gauge of partitions led counts partition 0 too.
        boolean leadsSystem = registry != null && registry.find("kommander.partitions.led").tag("node", node)
                .gauges().stream().mapToDouble(Gauge::value).sum() > led.cardinality();
        return new NodeStats(OS.getProcessCpuTime(), ProcessWork.jitMillis(), ProcessWork.gcMillis(), synced, walWrites, messages, frames, bytes, hosted, placed, led,
                settled, leadsSystem);
    }

    private static long sent(MeterRegistry registry, String name, String node) {
        return (long) registry.find(name).tags("node", node, "direction", "sent").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static Optional<PartitionStatus> status(CompletableFuture<PartitionStatus> status) {
        try {
            return Optional.of(status.get(STATUS_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Whether a led partition's configuration is where the map places it: the voters are its replicas (every node
     * when the map names none), no learner is left, and this node is its preferred leader (every partition gets one,
     * on a cluster of up to R nodes too, so a partition without one is not placed yet).
     */
    private static boolean placed(PartitionStatus status, Optional<PartitionDescriptor> descriptor, NodeSpec spec) {
        if (descriptor.isEmpty() || !status.learners().isEmpty()) {
            return false;
        }
        Set<String> expected = new HashSet<>(descriptor.get().replicas());
        if (expected.isEmpty()) {
            for (int i = 0; i < spec.nodes(); i++) {
                expected.add(spec.endpoint(i));
            }
        }
        List<String> preference = descriptor.get().leaderPreference();
        return expected.equals(new HashSet<>(status.voters()))
                && !preference.isEmpty() && preference.get(0).equals(spec.endpoint(spec.index()));
    }
}
