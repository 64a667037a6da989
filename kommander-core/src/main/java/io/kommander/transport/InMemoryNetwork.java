package io.kommander.transport;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A network of {@link InMemoryTransport}s in one JVM, with fault controls per directed link: cut, drop, delay
 * (which reorders) and duplicate. For tests and demos.
 *
 * <p>Thread-safe. Delayed deliveries run on one daemon thread that {@link #close()} stops.
 */
public final class InMemoryNetwork implements AutoCloseable {

    private final Map<String, InMemoryTransport> nodes = new ConcurrentHashMap<>();
    private final Map<String, LinkFaults> faults = new ConcurrentHashMap<>();
    private final Random random;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile ScheduledExecutorService delayer;

    /** Faults configured on one directed link. */
    private record LinkFaults(boolean cut, double dropRate, long maxDelayMillis, double duplicateRate) {
        static final LinkFaults NONE = new LinkFaults(false, 0, 0, 0);
    }

    /** A network whose random faults follow the given seed. */
    public InMemoryNetwork(long seed) {
        this.random = new Random(seed);
    }

    /** A network with a fixed seed. */
    public InMemoryNetwork() {
        this(42);
    }

    /** Creates a transport attached to this network; it joins when started. */
    public InMemoryTransport transport() {
        return new InMemoryTransport(this);
    }

    /** Cuts both directions between {@code a} and {@code b}. */
    public void partition(String a, String b) {
        update(a, b, f -> new LinkFaults(true, f.dropRate, f.maxDelayMillis, f.duplicateRate));
        update(b, a, f -> new LinkFaults(true, f.dropRate, f.maxDelayMillis, f.duplicateRate));
    }

    /** Cuts one direction only: messages from {@code from} to {@code to} are lost. */
    public void cut(String from, String to) {
        update(from, to, f -> new LinkFaults(true, f.dropRate, f.maxDelayMillis, f.duplicateRate));
    }

    /** Cuts every link between {@code endpoint} and every other node. */
    public void isolate(String endpoint) {
        for (String other : nodes.keySet()) {
            if (!other.equals(endpoint)) {
                partition(endpoint, other);
            }
        }
    }

    /** Drops each message batch on the link with the given probability. */
    public void dropRate(String from, String to, double probability) {
        update(from, to, f -> new LinkFaults(f.cut, probability, f.maxDelayMillis, f.duplicateRate));
    }

    /** Delays each batch on the link by a random time up to {@code maxDelayMillis}, which reorders them. */
    public void delay(String from, String to, long maxDelayMillis) {
        update(from, to, f -> new LinkFaults(f.cut, f.dropRate, maxDelayMillis, f.duplicateRate));
    }

    /** Delivers each batch on the link twice with the given probability. */
    public void duplicateRate(String from, String to, double probability) {
        update(from, to, f -> new LinkFaults(f.cut, f.dropRate, f.maxDelayMillis, probability));
    }

    /** Removes every fault from every link. */
    public void heal() {
        faults.clear();
    }

    /** Batches delivered so far. */
    public long deliveredCount() {
        return delivered.get();
    }

    /** Batches lost so far (cut links, drops, unknown or stopped destinations, refused identities). */
    public long droppedCount() {
        return dropped.get();
    }

    private void update(String from, String to, java.util.function.UnaryOperator<LinkFaults> change) {
        faults.compute(from + "->" + to, (k, f) -> change.apply(f == null ? LinkFaults.NONE : f));
    }

    void register(String endpoint, InMemoryTransport transport) {
        if (nodes.putIfAbsent(endpoint, transport) != null) {
            throw new IllegalStateException("endpoint " + endpoint + " is already on this network");
        }
    }

    void unregister(String endpoint, InMemoryTransport transport) {
        nodes.remove(endpoint, transport);
    }

    void route(InMemoryTransport sender, String to, MessageBatch batch) {
        LinkFaults link = faults.getOrDefault(batch.from() + "->" + to, LinkFaults.NONE);
        boolean drop;
        boolean duplicate;
        long delay;
        synchronized (random) {
            drop = link.cut || (link.dropRate > 0 && random.nextDouble() < link.dropRate);
            duplicate = link.duplicateRate > 0 && random.nextDouble() < link.duplicateRate;
            delay = link.maxDelayMillis > 0 ? (long) (random.nextDouble() * link.maxDelayMillis) : 0;
        }
        if (drop) {
            dropped.incrementAndGet();
            return;
        }
        int copies = duplicate ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            if (delay > 0) {
                delayer().schedule(() -> deliver(sender, to, batch), delay, TimeUnit.MILLISECONDS);
            } else {
                deliver(sender, to, batch);
            }
        }
    }

    private void deliver(InMemoryTransport sender, String to, MessageBatch batch) {
        InMemoryTransport target = nodes.get(to);
        if (target == null || !sender.handshake(to, target) || !target.accept(batch)) {
            dropped.incrementAndGet();
            return;
        }
        delivered.incrementAndGet();
    }

    private ScheduledExecutorService delayer() {
        ScheduledExecutorService current = delayer;
        if (current == null) {
            synchronized (this) {
                if (delayer == null) {
                    delayer = Executors.newSingleThreadScheduledExecutor(r -> {
                        Thread t = new Thread(r, "kommander-inmemory-network");
                        t.setDaemon(true);
                        return t;
                    });
                }
                current = delayer;
            }
        }
        return current;
    }

    /** Stops the delay thread; undelivered delayed batches are lost. */
    @Override
    public void close() {
        ScheduledExecutorService current = delayer;
        if (current != null) {
            current.shutdownNow();
        }
    }
}
