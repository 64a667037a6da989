package io.kommander.bench.load;

import io.kommander.bench.system.BenchSystem;
import io.kommander.bench.system.NodeLedger;
import io.kommander.bench.system.Payloads;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Drives a {@link BenchSystem} with a {@link Workload}: client threads issue writes (closed loop, or on a fixed
 * schedule), latencies go to HdrHistogram recorders, and every acknowledged write's id is kept so the run can be
 * verified against what the nodes delivered. One generator runs once.
 */
public final class LoadGenerator {

    private static final long LIVE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long DRAIN_TIMEOUT_SECONDS = 60;

    private final BenchSystem system;
    private final Workload workload;
    private final Consumer<LiveSample> live;
    private final Runnable atMeasureStart;
    private final Runnable atMeasureEnd;
    private final AtomicLong ids = new AtomicLong();
    private final NodeLedger acknowledged;
    private final Recorder measured = new Recorder(3);
    private final Recorder interval = new Recorder(3);
    private final LongAdder acknowledgedTotal = new LongAdder();
    private final LongAdder errorsTotal = new LongAdder();
    private final LongAdder acknowledgedInPhase = new LongAdder();
    private final LongAdder errorsInPhase = new LongAdder();
    /** Null unless {@link TailAttribution#PROPERTY} asks for it. */
    private final TailAttribution tail = TailAttribution.fromSystemProperty();
    private volatile boolean stopping;
    private BooleanSupplier warm = () -> true;
    private long warmUpExtensionNanos;
    private long warmCheckNanos = 1;
    private volatile double warmUpSeconds;

    /**
     * A generator for one run.
     *
     * @param live told about every second of the run (on the caller's thread); may ignore it
     */
    public LoadGenerator(BenchSystem system, Workload workload, Consumer<LiveSample> live) {
        this(system, workload, live, () -> { }, () -> { });
    }

    /**
     * A generator for one run that also tells the caller where the measured phase starts and ends (on the caller's
     * thread), so that it can read counters of its own over exactly that phase: {@code atMeasureStart} runs just
     * before the phase's counts are reset, {@code atMeasureEnd} just after its acknowledged writes are read.
     */
    public LoadGenerator(BenchSystem system, Workload workload, Consumer<LiveSample> live, Runnable atMeasureStart,
                         Runnable atMeasureEnd) {
        this.system = system;
        this.workload = workload;
        this.live = live;
        this.atMeasureStart = atMeasureStart;
        this.atMeasureEnd = atMeasureEnd;
        this.acknowledged = new NodeLedger(workload.partitions());
    }

    /**
     * Extends the warm-up past the workload's until {@code condition} holds (asked every {@code checkEvery} on the
     * caller's thread, first at the end of the workload's warm-up), by at most {@code upTo}; the measured phase then
     * starts and lasts the workload's duration. For a measure that must not see the nodes still warming (their JIT).
     *
     * @return this generator
     */
    public LoadGenerator extendWarmUp(BooleanSupplier condition, Duration checkEvery, Duration upTo) {
        this.warm = condition;
        this.warmCheckNanos = checkEvery.toNanos();
        this.warmUpExtensionNanos = upTo.toNanos();
        return this;
    }

    /** Runs the warm-up and the measured phase, then waits for outstanding writes. */
    public LoadOutcome run() throws InterruptedException {
        List<Thread> clients = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < workload.clients(); c++) {
            Client client = new Client(c, start);
            Thread thread = new Thread(client::loop, "bench-client-" + c);
            thread.setDaemon(true);
            clients.add(thread);
            thread.start();
        }
        long warmedUp = start + workload.warmup().toNanos();
        liveUntil(start, warmedUp, false);
        long extendedUntil = warmedUp + warmUpExtensionNanos;
        while (!warm.getAsBoolean() && System.nanoTime() < extendedUntil) {
            liveUntil(start, Math.min(extendedUntil, System.nanoTime() + warmCheckNanos), false);
        }
        long measureStart = System.nanoTime();
        warmUpSeconds = (measureStart - start) / 1e9;
        atMeasureStart.run();
        measured.getIntervalHistogram();
        acknowledgedInPhase.reset();
        errorsInPhase.reset();
        if (tail != null) {
            tail.reset();
        }
        CpuMeter cpu = new CpuMeter();
        cpu.start();
        WriteCost cost = new WriteCost();
        cost.start();
        WriteEvents events = new WriteEvents();
        long measureEnd = measureStart + workload.duration().toNanos();
        liveUntil(start, measureEnd, true);
        Histogram latencies = measured.getIntervalHistogram();
        long acks = acknowledgedInPhase.sum();
        long errors = errorsInPhase.sum();
        double seconds = (System.nanoTime() - measureStart) / 1e9;
        double cpuPercent = cpu.percentSinceStart();
        atMeasureEnd.run();
        System.out.println(workload.partitions() + " partitions, " + cost.perWrite(acks));
        String counted = events.perWrite(acks);
        if (counted != null) {
            System.out.println(workload.partitions() + " partitions, " + counted);
        }
        if (tail != null) {
            System.out.println(tail.summary(latencies.getValueAtPercentile(99) / 1_000_000));
            tail.close();
        }
        stopping = true;
        for (Thread thread : clients) {
            thread.join(TimeUnit.SECONDS.toMillis(DRAIN_TIMEOUT_SECONDS + 5));
        }
        List<BitSet> acked = new ArrayList<>();
        for (int p = 0; p < workload.partitions(); p++) {
            acked.add(acknowledged.partition(p).ids());
        }
        return new LoadOutcome(acks, seconds, latencies, errors, cpuPercent, acked);
    }

    /** How long the warm-up lasted, in seconds (the workload's, plus any extension); 0 before the run measured. */
    public double warmUpSeconds() {
        return warmUpSeconds;
    }

    private void liveUntil(long start, long end, boolean measuring) {
        long acknowledgedBefore = acknowledgedTotal.sum();
        long tick = System.nanoTime();
        while (System.nanoTime() < end) {
            long next = Math.min(end, tick + LIVE_INTERVAL_NANOS);
            LockSupport.parkNanos(next - System.nanoTime());
            if (System.nanoTime() >= next) {
                long now = System.nanoTime();
                long acknowledgedNow = acknowledgedTotal.sum();
                Histogram histogram = interval.getIntervalHistogram();
                live.accept(new LiveSample(TimeUnit.NANOSECONDS.toMillis(now - start), measuring,
                        (acknowledgedNow - acknowledgedBefore) * 1e9 / Math.max(1, now - tick),
                        histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(99) / 1e6,
                        acknowledgedNow, errorsTotal.sum()));
                acknowledgedBefore = acknowledgedNow;
                tick = now;
            }
        }
    }

    /** One client: a thread that keeps up to {@code inflightPerClient} writes outstanding. */
    private final class Client {
        private final Semaphore inflight = new Semaphore(workload.inflightPerClient());
        private final long intervalNanos;
        private long nextIntended;

        Client(int index, long start) {
            this.intervalNanos = workload.fixedRate()
                    ? Math.max(1, TimeUnit.SECONDS.toNanos(workload.clients()) / workload.ratePerSecond()) : 0;
            this.nextIntended = start + (workload.fixedRate() ? intervalNanos * index / workload.clients() : 0);
        }

        void loop() {
            try {
                while (!stopping) {
                    long origin = pace();
                    inflight.acquire();
                    if (stopping) {
                        inflight.release();
                        break;
                    }
                    issue(workload.fixedRate() ? origin : System.nanoTime());
                }
                inflight.tryAcquire(workload.inflightPerClient(), DRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** In the fixed-rate mode, waits for the next scheduled time and returns it. */
        private long pace() {
            if (!workload.fixedRate()) {
                return 0;
            }
            long intended = nextIntended;
            nextIntended += intervalNanos;
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            return intended;
        }

        private void issue(long origin) {
            long id = ids.getAndIncrement();
            int partition = (int) (id % workload.partitions());
            try {
                system.write(partition, Payloads.create(id, workload.payloadBytes()))
                        .whenComplete((ignored, error) -> complete(partition, id, origin, error));
            } catch (RuntimeException e) {
                complete(partition, id, origin, e);
            }
        }

        private void complete(int partition, long id, long origin, Throwable error) {
            if (error == null) {
                long latency = System.nanoTime() - origin;
                acknowledged.partition(partition).record(id);
                measured.recordValue(latency);
                interval.recordValue(latency);
                if (tail != null) {
                    tail.completed(latency);
                }
                acknowledgedTotal.increment();
                acknowledgedInPhase.increment();
            } else {
                errorsTotal.increment();
                errorsInPhase.increment();
            }
            inflight.release();
        }
    }
}
