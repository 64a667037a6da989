package io.kommander.internal.wal;

import io.kommander.wal.IWAL;
import io.kommander.wal.PartitionWrite;
import io.kommander.wal.WalBatch;
import io.kommander.wal.WalException;
import io.kommander.internal.runtime.FairQueue;
import io.kommander.internal.runtime.WorkerGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Runs every partition's WAL writes on a few workers. Each partition's writes run in submission order with one
 * write in flight; partitions are served round-robin so a hot one cannot starve the rest; and one
 * {@link IWAL#write} (one sync) carries the queued writes of up to {@code maxPartitionsPerWrite} partitions:
 * group commit across partitions.
 *
 * <p>When a write fails, every write of that partition already queued fails too (they build on it), and further
 * submissions fail until the partition calls {@link #reset(int)} after restoring from the WAL.
 *
 * <p>Thread-safe.
 */
public final class FairWalScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(FairWalScheduler.class);
    private static final int MAX_WRITES_PER_PARTITION = 64;

    private record Item(PartitionWrite write, Consumer<Throwable> done) {
    }

    private final IWAL wal;
    private final int maxPartitionsPerWrite;
    private final FairQueue<Item> queue = new FairQueue<>();
    private final Set<Integer> failed = ConcurrentHashMap.newKeySet();
    private final WorkerGate gate;
    private volatile long groupWrites;

    /**
     * @param wal                   the storage
     * @param pool                  where writes run (blocking is expected)
     * @param workers               writes in flight at once, across partitions
     * @param maxPartitionsPerWrite partitions grouped into one {@link IWAL#write}
     */
    public FairWalScheduler(IWAL wal, Executor pool, int workers, int maxPartitionsPerWrite) {
        this.wal = wal;
        this.maxPartitionsPerWrite = maxPartitionsPerWrite;
        this.gate = new WorkerGate(pool, workers, this::work, queue::hasReady);
    }

    /**
     * Queues a write. {@code done} runs on a WAL worker with null once the write (and every earlier one of the
     * partition) is durable, or with the error.
     */
    public void submit(int partition, PartitionWrite write, Consumer<Throwable> done) {
        if (failed.contains(partition)) {
            done.accept(new WalException("partition " + partition + ": an earlier write failed; restore first"));
            return;
        }
        queue.add(partition, new Item(write, done));
        gate.signal();
    }

    /** Accepts writes of a partition again after it restored from the WAL following a failure. */
    public void reset(int partition) {
        failed.remove(partition);
    }

    /** Group writes performed so far (each one {@link IWAL#write}, one sync). */
    public long groupWrites() {
        return groupWrites;
    }

    private void work() {
        List<FairQueue.Batch<Item>> batches;
        while (!(batches = queue.take(maxPartitionsPerWrite, MAX_WRITES_PER_PARTITION)).isEmpty()) {
            List<PartitionWrite> writes = new ArrayList<>();
            for (FairQueue.Batch<Item> batch : batches) {
                for (Item item : batch.items()) {
                    if (!item.write().isEmpty()) {
                        writes.add(item.write());
                    }
                }
            }
            Throwable error = null;
            if (!writes.isEmpty()) {
                try {
                    wal.write(WalBatch.of(writes));
                    groupWrites++;
                } catch (Throwable t) {
                    LOG.error("WAL write of {} partition writes failed", writes.size(), t);
                    error = t;
                }
            }
            finish(batches, error);
        }
    }

    private void finish(List<FairQueue.Batch<Item>> batches, Throwable error) {
        Set<Integer> partitions = new HashSet<>();
        for (FairQueue.Batch<Item> batch : batches) {
            partitions.add(batch.key());
            if (error != null) {
                failed.add(batch.key());
            }
            for (Item item : batch.items()) {
                complete(item, error);
            }
            if (error != null) {
                for (Item queued : queue.drain(batch.key())) {
                    complete(queued, error);
                }
            }
        }
        partitions.forEach(queue::complete);
    }

    private static void complete(Item item, Throwable error) {
        try {
            item.done().accept(error);
        } catch (RuntimeException e) {
            LOG.error("WAL completion callback failed", e);
        }
    }
}
