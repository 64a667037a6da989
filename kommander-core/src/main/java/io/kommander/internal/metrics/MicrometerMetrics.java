package io.kommander.internal.metrics;

import io.kommander.RaftOperationStatus;
import io.kommander.transport.TransportMetricsSink;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * A node's meters in a Micrometer registry: the one class of the library that names Micrometer types, loaded only
 * when the builder was given a registry (see {@link NodeMetrics#of}). Every meter is node-level, tagged {@code node}:
 * with thousands of partitions a meter per partition would swamp the registry, so partitions are aggregated (sums,
 * counts, the largest lag). Names, units and tags are listed in docs/metrics.md.
 *
 * <p>Thread-safe: Micrometer's meters are.
 */
public final class MicrometerMetrics implements NodeMetrics {

    private static final RaftOperationStatus[] STATUSES = RaftOperationStatus.values();

    private final MeterRegistry registry;
    private final Clock clock;
    private final Tags tags;
    /** Every meter registered for this node, to remove at {@link #close()}. */
    private final List<Meter> meters = new CopyOnWriteArrayList<>();
    /** Proposals by status, registered at a status's first use so that a scrape shows only the statuses seen. */
    private final Counter[] proposals = new Counter[STATUSES.length];
    private final Timer commitLatency;
    private final Counter committed;
    private final DistributionSummary walEntries;
    private final DistributionSummary walPartitions;
    private final DistributionSummary walBytes;
    private final Timer walSync;
    private final Counter electionsStarted;
    private final Counter electionsWon;
    private final Counter leaderChanges;
    private final Counter snapshotsSent;
    private final Counter snapshotsReceived;
    private final Counter drains;
    private final Counter messagesSent;
    private final TransportMetricsSink transport;

    private MicrometerMetrics(MeterRegistry registry, String node) {
        this.registry = registry;
        this.clock = registry.config().clock();
        this.tags = Tags.of("node", node);
        this.commitLatency = keep(latency("kommander.commit.latency",
                "From a write call to its successful answer: on the leader, until its entries committed"));
        this.committed = keep(Counter.builder("kommander.entries.committed").tags(tags).baseUnit("entries")
                .description("Committed entries handed to the application by this node's replicas")
                .register(registry));
        this.walEntries = keep(summary("kommander.wal.batch.entries", "entries",
                "Entries made durable by one WAL write"));
        this.walPartitions = keep(summary("kommander.wal.batch.partitions", "partitions",
                "Partitions whose writes one WAL write carried (group commit)"));
        this.walBytes = keep(summary("kommander.wal.batch.size", "bytes",
                "Bytes of entries (by their size estimates) made durable by one WAL write"));
        this.walSync = keep(latency("kommander.wal.sync", "One WAL write, which syncs once"));
        this.electionsStarted = keep(counter("kommander.elections.started", Tags.empty(),
                "Elections a replica of this node stood in (pre-vote rounds excluded)"));
        this.electionsWon = keep(counter("kommander.elections.won", Tags.empty(),
                "Elections a replica of this node won"));
        this.leaderChanges = keep(counter("kommander.leader.changes", Tags.empty(),
                "Times a replica of this node learned of a new leader"));
        this.snapshotsSent = keep(counter("kommander.snapshot.installs", Tags.of("direction", "sent"),
                "Snapshots installed: sent = by a follower from this leader, received = on this node"));
        this.snapshotsReceived = keep(counter("kommander.snapshot.installs", Tags.of("direction", "received"),
                "Snapshots installed: sent = by a follower from this leader, received = on this node"));
        this.drains = keep(counter("kommander.partition.drains", Tags.empty(),
                "Drains of this node's partition executors: a batch of operations, then its Ready"));
        this.messagesSent = keep(counter("kommander.messages", Tags.of("direction", "sent"),
                "Raft messages this node queued to peers (many travel in one frame)"));
        this.transport = new Transport();
    }

    /**
     * Meters for a node in {@code registry}.
     *
     * @param registry a {@link MeterRegistry}
     * @param node     the {@code node} tag
     * @throws ClassCastException if {@code registry} is not a {@link MeterRegistry}
     */
    static NodeMetrics bind(Object registry, String node) {
        return new MicrometerMetrics((MeterRegistry) registry, node);
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public long startTime() {
        return clock.monotonicTime();
    }

    @Override
    public void writeAnswered(RaftOperationStatus status, long startTime) {
        Counter counter = proposals[status.ordinal()];
        if (counter == null) {
            // A race registers twice: the registry hands back the same counter, kept once more (harmless).
            counter = keep(counter("kommander.proposals", Tags.of("status", status.name()),
                    "Write calls answered, by status"));
            proposals[status.ordinal()] = counter;
        }
        counter.increment();
        if (status == RaftOperationStatus.Success && startTime != 0) {
            commitLatency.record(clock.monotonicTime() - startTime, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void committed(int entries) {
        if (entries > 0) {
            committed.increment(entries);
        }
    }

    @Override
    public void walWrite(int entries, int partitions, long bytes, long startTime) {
        walSync.record(clock.monotonicTime() - startTime, TimeUnit.NANOSECONDS);
        walEntries.record(entries);
        walPartitions.record(partitions);
        walBytes.record(bytes);
    }

    @Override
    public void drained() {
        drains.increment();
    }

    @Override
    public void messagesSent(int count) {
        messagesSent.increment(count);
    }

    @Override
    public void electionsStarted(int count) {
        electionsStarted.increment(count);
    }

    @Override
    public void electionWon() {
        electionsWon.increment();
    }

    @Override
    public void leaderChanged() {
        leaderChanges.increment();
    }

    @Override
    public void snapshotsSent(int count) {
        snapshotsSent.increment(count);
    }

    @Override
    public void snapshotReceived() {
        snapshotsReceived.increment();
    }

    @Override
    public TransportMetricsSink transport() {
        return transport;
    }

    @Override
    public void watch(NodeReadings readings) {
        gauge("kommander.partitions", "partitions", "Partitions this node holds a replica of",
                readings, NodeReadings::partitions);
        gauge("kommander.partitions.led", "partitions", "Partitions this node leads",
                readings, NodeReadings::partitionsLed);
        gauge("kommander.partitions.quiesced", "partitions", "Partitions neither ticking nor heartbeating",
                readings, NodeReadings::quiescedPartitions);
        gauge("kommander.executor.queue.depth", "operations", "Operations queued on the partitions' executors",
                readings, NodeReadings::executorQueueDepth);
        gauge("kommander.wal.queue.depth", "writes", "Partition writes queued for the WAL",
                readings, NodeReadings::walQueueDepth);
        gauge("kommander.follower.lag", "entries", "The largest follower lag over the partitions this node leads",
                readings, NodeReadings::maxFollowerLag);
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }

    private Counter counter(String name, Tags extra, String description) {
        return Counter.builder(name).tags(tags).tags(extra).description(description).register(registry);
    }

    private DistributionSummary summary(String name, String unit, String description) {
        return DistributionSummary.builder(name).tags(tags).baseUnit(unit).description(description)
                .register(registry);
    }

    /** A timer with a histogram from 100 µs to 10 s, so that a backend can compute percentiles across nodes. */
    private Timer latency(String name, String description) {
        return Timer.builder(name).tags(tags).description(description).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    private void gauge(String name, String unit, String description, NodeReadings readings,
                       ToDoubleFunction<NodeReadings> reading) {
        // Held strongly: the node keeps no other reference to its readings, and a weak one would read NaN.
        keep(Gauge.builder(name, readings, reading).tags(tags).baseUnit(unit).description(description)
                .strongReference(true).register(registry));
    }

    private <M extends Meter> M keep(M meter) {
        meters.add(meter);
        return meter;
    }

    /** The transport's meters. */
    private final class Transport implements TransportMetricsSink {
        private final Counter framesSent = keep(counter("kommander.transport.frames", Tags.of("direction", "sent"),
                "Frames written to or decoded from peers"));
        private final Counter framesReceived = keep(counter("kommander.transport.frames",
                Tags.of("direction", "received"), "Frames written to or decoded from peers"));
        private final Counter bytesSent = keep(Counter.builder("kommander.transport.bytes").tags(tags)
                .tags("direction", "sent").baseUnit("bytes").description("Bytes of frames, headers included")
                .register(registry));
        private final Counter bytesReceived = keep(Counter.builder("kommander.transport.bytes").tags(tags)
                .tags("direction", "received").baseUnit("bytes").description("Bytes of frames, headers included")
                .register(registry));
        private final Counter drops = keep(counter("kommander.transport.drops", Tags.empty(),
                "Outbound batches the transport dropped"));
        private final Counter reconnects = keep(counter("kommander.transport.reconnects", Tags.empty(),
                "Connections to a peer made again after the first"));

        @Override
        public void frameSent(int bytes) {
            framesSent.increment();
            bytesSent.increment(bytes);
        }

        @Override
        public void frameReceived(int bytes) {
            framesReceived.increment();
            bytesReceived.increment(bytes);
        }

        @Override
        public void dropped(int batches) {
            drops.increment(batches);
        }

        @Override
        public void reconnect() {
            reconnects.increment();
        }
    }
}
