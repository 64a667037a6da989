package io.kommander.internal.wal;

import io.kommander.wal.IWAL;
import io.kommander.wal.LogPosition;
import io.kommander.wal.PartitionWrite;
import io.kommander.wal.WalBatch;
import io.kommander.wal.WalException;
import io.kommander.internal.metrics.NodeMetrics;
import io.kommander.internal.runtime.FairQueue;
import io.kommander.internal.runtime.WorkerGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Runs every partition's WAL writes and compactions on a few workers. Each partition's work runs in submission
 * order with one batch in flight; partitions are served round-robin so a hot one cannot starve the rest; and one
 * {@link IWAL#write} (one sync) carries the queued writes of up to {@code maxPartitionsPerWrite} partitions:
 * group commit across partitions. Workers take turns writing: a group is taken only once the previous group write
 * has returned, so it holds every partition that became ready meanwhile, while the other workers run completions
 * and compactions.
 *
 * <p>A compaction changes the WAL too, so it queues with its partition's writes: it runs after every write
 * submitted before it (once the group write carrying them has completed) and before every write submitted after
 * it. A failed compaction is reported to its own callback only: it leaves the log as it was, so the partition's
 * later writes still apply. Metadata given with a compaction is stored by the group write before it, so it is
 * durable before anything is compacted (and the compaction does not run if that write fails).
 *
 * <p>When a group write of several partitions fails, none of it is durable ({@link IWAL#write} is atomic) and
 * {@link WalException} does not say which partition's data was at fault, so each partition's part is written once
 * more on its own: only the partitions whose own write fails again fail. A failed partition's already queued
 * writes fail too (they build on the failed one), and its further submissions fail until it calls
 * {@link #reset(int)} after restoring from the WAL. Other partitions are unaffected.
 *
 * <p>Thread-safe.
 */
public final class FairWalScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(FairWalScheduler.class);
    private static final int MAX_WRITES_PER_PARTITION = 64;

    /**
     * One queued piece of a partition's work: a write, metadata to store (neither a write nor a compaction), or a
     * compaction ({@code compactTo} set, with the metadata to store first).
     */
    private record Item(PartitionWrite write, LogPosition compactTo, Map<String, byte[]> metadata,
                        Consumer<Throwable> done, boolean snapshotBoundary, boolean removal) {
        Item(PartitionWrite write, LogPosition compactTo, Map<String, byte[]> metadata, Consumer<Throwable> done) {
            this(write, compactTo, metadata, done, false, false);
        }

        /** A compaction, or a snapshot boundary or a removal (which run where a compaction does). */
        boolean isCompaction() {
            return compactTo != null;
        }
    }

    private final IWAL wal;
    private final int maxPartitionsPerWrite;
    private final FairQueue<Item> queue = new FairQueue<>();
    /** Partitions whose write failed and that have not restored yet; also the lock of failing and queueing. */
    private final Set<Integer> failed = new HashSet<>();
    private final WorkerGate gate;
    private final NodeMetrics metrics;
    /** Held while a worker takes a group and writes it: one group write at a time, taken as late as possible. */
    private final ReentrantLock writeTurn = new ReentrantLock();

    /**
     * A scheduler that reports no metrics.
     *
     * @param wal                   the storage
     * @param pool                  where writes run (blocking is expected)
     * @param workers               group writes in flight at once
     * @param maxPartitionsPerWrite partitions grouped into one {@link IWAL#write}
     */
    public FairWalScheduler(IWAL wal, Executor pool, int workers, int maxPartitionsPerWrite) {
        this(wal, pool, workers, maxPartitionsPerWrite, NodeMetrics.NONE);
    }

    /**
     * @param wal                   the storage
     * @param pool                  where writes run (blocking is expected)
     * @param workers               group writes in flight at once
     * @param maxPartitionsPerWrite partitions grouped into one {@link IWAL#write}
     * @param metrics               where each group write's size and duration go
     */
    public FairWalScheduler(IWAL wal, Executor pool, int workers, int maxPartitionsPerWrite, NodeMetrics metrics) {
        this.wal = wal;
        this.metrics = metrics;
        this.maxPartitionsPerWrite = maxPartitionsPerWrite;
        this.gate = new WorkerGate(pool, workers, this::work, queue::hasReady);
    }

    /**
     * Queues a write. {@code done} runs on a WAL worker with null once the write (and every earlier one of the
     * partition) is durable, or with the error; on the caller's thread, at once, if the partition has failed.
     */
    public void submit(int partition, PartitionWrite write, Consumer<Throwable> done) {
        enqueue(partition, new Item(write, null, Map.of(), done));
    }

    /**
     * Queues a compaction of the partition's WAL up to {@code upTo}, behind its queued writes. {@code done} runs
     * on a WAL worker with null once {@link IWAL#compact} returned, or with the error; on the caller's thread, at
     * once, if the partition has failed.
     */
    public void compact(int partition, LogPosition upTo, Consumer<Throwable> done) {
        compact(partition, upTo, Map.of(), done);
    }

    /**
     * Queues a compaction as {@link #compact(int, LogPosition, Consumer)} does, first storing {@code metadata}
     * (node-level keys, see {@link WalBatch#metadata()}) durably with the group write before it.
     */
    public void compact(int partition, LogPosition upTo, Map<String, byte[]> metadata, Consumer<Throwable> done) {
        enqueue(partition, new Item(null, upTo, Map.copyOf(metadata), done));
    }

    /**
     * Queues node-level metadata to store durably with the group write that carries the partition's next queued
     * work; {@code done} runs as for {@link #submit}.
     */
    public void storeMetadata(int partition, Map<String, byte[]> metadata, Consumer<Throwable> done) {
        enqueue(partition, new Item(null, null, Map.copyOf(metadata), done));
    }

    /**
     * Queues {@link IWAL#installSnapshotBoundary} of the partition's WAL at {@code boundary}, behind its queued
     * writes, first storing {@code metadata} durably with the group write before it, as a compaction does. {@code
     * done} runs as a compaction's does.
     */
    public void installSnapshotBoundary(int partition, LogPosition boundary, Map<String, byte[]> metadata,
                                        Consumer<Throwable> done) {
        enqueue(partition, new Item(null, boundary, Map.copyOf(metadata), done, true, false));
    }

    /**
     * Queues {@link IWAL#removePartition} behind the partition's queued work (which still runs first, so nothing of
     * it lands after the removal). Taken even if the partition's writes failed: a removed partition never restores.
     * {@code done} runs as a compaction's does.
     */
    public void removePartition(int partition, Consumer<Throwable> done) {
        synchronized (failed) {
            failed.remove(partition);
        }
        enqueue(partition, new Item(null, LogPosition.ZERO, Map.of(), done, false, true));
    }

    /** Writes, compactions and metadata queued and not yet taken by a group write: the WAL queue depth. */
    public int queued() {
        return queue.size();
    }

    /** Accepts work of a partition again after it restored from the WAL following a failure. */
    public void reset(int partition) {
        synchronized (failed) {
            failed.remove(partition);
        }
    }

    private void enqueue(int partition, Item item) {
        // Checked and queued under the lock that fail() marks and drains under, so no item slips in behind a
        // failed write and reaches the WAL.
        boolean accepted;
        synchronized (failed) {
            accepted = !failed.contains(partition);
            if (accepted) {
                queue.add(partition, item);
            }
        }
        if (!accepted) {
            item.done().accept(new WalException("partition " + partition + ": an earlier write failed; restore first"));
            return;
        }
        gate.signal();
    }

    private void work() {
        while (true) {
            List<FairQueue.Batch<Item>> batches;
            List<Throwable> errors;
            // The group is taken once the previous group write has returned, not while it runs: the WALs write one
            // batch at a time anyway, and a group taken early would wait for the writer and leave out every
            // partition that became ready meanwhile (two half groups, two syncs). The other worker still runs its
            // completions while this one writes.
            writeTurn.lock();
            try {
                batches = queue.take(maxPartitionsPerWrite, MAX_WRITES_PER_PARTITION, Item::isCompaction);
                if (batches.isEmpty()) {
                    return;
                }
                errors = write(batches);
            } finally {
                writeTurn.unlock();
            }
            List<FairQueue.Batch<Item>> compacting = new ArrayList<>();
            for (int i = 0; i < batches.size(); i++) {
                FairQueue.Batch<Item> batch = batches.get(i);
                Throwable error = errors.get(i);
                if (error != null) {
                    fail(batch, error);
                } else {
                    completeWrites(batch);
                    if (lastItem(batch).isCompaction()) {
                        compacting.add(batch);
                        continue;
                    }
                }
                queue.complete(batch.key());
            }
            // After every write of the group has completed, so no partition waits for another's compaction.
            for (FairQueue.Batch<Item> batch : compacting) {
                compact(batch.key(), lastItem(batch));
                queue.complete(batch.key());
            }
        }
    }

    /**
     * Makes the batches' writes durable, with one {@link IWAL#write} unless it fails: then each batch is written
     * alone, since the failed group left nothing behind and its error names no partition.
     *
     * @return each batch's error, or null, in the batches' order
     */
    private List<Throwable> write(List<FairQueue.Batch<Item>> batches) {
        Throwable error = writeGroup(batches);
        if (error == null || batches.size() == 1) {
            return Collections.nCopies(batches.size(), error);
        }
        List<Throwable> errors = new ArrayList<>(batches.size());
        for (FairQueue.Batch<Item> batch : batches) {
            errors.add(writeGroup(List.of(batch)));
        }
        return errors;
    }

    /** Makes the batches' writes durable with one {@link IWAL#write}; returns its error, or null. */
    private Throwable writeGroup(List<FairQueue.Batch<Item>> batches) {
        List<PartitionWrite> writes = new ArrayList<>();
        Map<String, byte[]> metadata = new HashMap<>();
        for (FairQueue.Batch<Item> batch : batches) {
            for (Item item : batch.items()) {
                metadata.putAll(item.metadata());
                if (item.write() != null && !item.write().isEmpty()) {
                    writes.add(item.write());
                }
            }
        }
        if (writes.isEmpty() && metadata.isEmpty()) {
            return null;
        }
        try {
            long started = metrics.startTime();
            wal.write(new WalBatch(writes, metadata));
            if (metrics.enabled()) {
                record(writes, started);
            }
            return null;
        } catch (Throwable t) {
            LOG.error("WAL write of {} partition writes in {} partitions failed", writes.size(), batches.size(), t);
            return t;
        }
    }

    /** Reports a group write's entries, partitions and bytes (by the entries' size estimates) and its duration. */
    private void record(List<PartitionWrite> writes, long started) {
        int entries = 0;
        long bytes = 0;
        int partitions = 0;
        int last = -1;
        for (PartitionWrite write : writes) {
            // A partition's writes are contiguous (gathered batch by batch), so each change is a new partition.
            if (write.partition() != last || partitions == 0) {
                partitions++;
                last = write.partition();
            }
            entries += write.entries().size();
            for (var entry : write.entries()) {
                bytes += entry.sizeEstimate();
            }
        }
        metrics.walWrite(entries, partitions, bytes, started);
    }

    private void completeWrites(FairQueue.Batch<Item> batch) {
        for (Item item : batch.items()) {
            if (!item.isCompaction()) {
                complete(item, null);
            }
        }
    }

    private void compact(int partition, Item compaction) {
        Throwable error = null;
        try {
            if (compaction.removal()) {
                wal.removePartition(partition);
            } else if (compaction.snapshotBoundary()) {
                wal.installSnapshotBoundary(partition, compaction.compactTo());
            } else {
                wal.compact(partition, compaction.compactTo());
            }
        } catch (Throwable t) {
            error = t;
        }
        complete(compaction, error);
    }

    private static Item lastItem(FairQueue.Batch<Item> batch) {
        return batch.items().get(batch.items().size() - 1);
    }

    private void fail(FairQueue.Batch<Item> batch, Throwable error) {
        List<Item> queued;
        synchronized (failed) {
            failed.add(batch.key());
            queued = queue.drain(batch.key());
        }
        for (Item item : batch.items()) {
            complete(item, error);
        }
        for (Item item : queued) {
            complete(item, error);
        }
    }

    private static void complete(Item item, Throwable error) {
        try {
            item.done().accept(error);
        } catch (RuntimeException e) {
            LOG.error("WAL completion callback failed", e);
        }
    }
}
