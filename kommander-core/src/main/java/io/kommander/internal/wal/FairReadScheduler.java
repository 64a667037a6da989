package io.kommander.internal.wal;

import io.kommander.internal.runtime.FairQueue;
import io.kommander.internal.runtime.WorkerGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * Runs WAL reads (recovery, catch-up of lagging followers) on a few workers with the same fairness as
 * {@link FairWalScheduler}: per-partition FIFO, one read in flight per partition, round-robin across partitions.
 *
 * <p>Thread-safe.
 */
public final class FairReadScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(FairReadScheduler.class);

    private record Item(Callable<Object> read, BiConsumer<Object, Throwable> done) {
    }

    private final FairQueue<Item> queue = new FairQueue<>();
    private final WorkerGate gate;

    /**
     * @param pool    where reads run (blocking is expected)
     * @param workers reads in flight at once, across partitions
     */
    public FairReadScheduler(Executor pool, int workers) {
        this.gate = new WorkerGate(pool, workers, this::work, queue::hasReady);
    }

    /**
     * Queues a read for a partition. {@code done} runs on a WAL worker with the result, or with the error.
     *
     * @param <T> the result type
     */
    @SuppressWarnings("unchecked")
    public <T> void submit(int partition, Callable<T> read, BiConsumer<T, Throwable> done) {
        queue.add(partition, new Item((Callable<Object>) read, (BiConsumer<Object, Throwable>) done));
        gate.signal();
    }

    private void work() {
        List<FairQueue.Batch<Item>> batches;
        while (!(batches = queue.take(1, 1)).isEmpty()) {
            FairQueue.Batch<Item> batch = batches.get(0);
            for (Item item : batch.items()) {
                Object result = null;
                Throwable error = null;
                try {
                    result = item.read().call();
                } catch (Throwable t) {
                    error = t;
                }
                try {
                    item.done().accept(result, error);
                } catch (RuntimeException e) {
                    LOG.error("WAL read callback failed", e);
                }
            }
            queue.complete(batch.key());
        }
    }
}
