package io.kommander.wal.rocksdb;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Compacts key ranges emptied by log compaction, on one background thread. A range delete is cheap to write but
 * leaves a tombstone that reads must skip and data that still takes disk space until RocksDB compacts the files
 * under it; RocksDB's own compaction picks files by level size, not by how much of them is deleted. So once
 * enough of a partition is deleted, its range is compacted explicitly — off the caller's thread, and with
 * {@code allowWriteStall=false} and a non-exclusive manual compaction, so writes and automatic compactions go on.
 *
 * <p>Thread-safe. Closing cancels a running compaction and waits for the thread to stop.
 */
final class BackgroundCompactor implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(BackgroundCompactor.class.getName());

    private final RocksDB db;
    private final long triggerEntries;
    private final CompactRangeOptions options;
    private final ExecutorService thread;
    private final Map<Integer, Pending> pending = new HashMap<>();
    private final AtomicLong completed = new AtomicLong();

    /** Deleted but not yet compacted entries of one partition. */
    private record Pending(ColumnFamilyHandle family, long from, long to) {
        long count() {
            return to - from + 1;
        }
    }

    BackgroundCompactor(RocksDB db, long triggerEntries) {
        this.db = db;
        this.triggerEntries = triggerEntries;
        this.options = new CompactRangeOptions().setExclusiveManualCompaction(false).setAllowWriteStall(false);
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "kommander-wal-compactor");
            t.setDaemon(true);
            return t;
        });
    }

    /** Records that entries {@code from..to} of a partition were range-deleted. */
    synchronized void deleted(int partition, ColumnFamilyHandle family, long from, long to) {
        Pending previous = pending.get(partition);
        Pending merged = previous == null ? new Pending(family, from, to)
                : new Pending(family, Math.min(previous.from, from), Math.max(previous.to, to));
        if (merged.count() < triggerEntries) {
            pending.put(partition, merged);
            return;
        }
        pending.remove(partition);
        try {
            thread.execute(() -> compact(partition, merged));
        } catch (RejectedExecutionException closing) {
            // The WAL is closing; RocksDB's own compactions will reclaim the space later.
        }
    }

    private void compact(int partition, Pending range) {
        try {
            db.compactRange(range.family, KeyCodec.entryKey(partition, range.from),
                    KeyCodec.entryKey(partition, range.to + 1), options);
            completed.incrementAndGet();
        } catch (RocksDBException e) {
            // Not fatal: the data is already deleted; only the space and tombstones linger until RocksDB's own
            // compactions reach these files.
            LOG.log(System.Logger.Level.WARNING, "background compaction of partition " + partition + " entries "
                    + range.from + ".." + range.to + " failed: " + e.getMessage());
        }
    }

    /** How many background compactions have finished; for tests and monitoring. */
    long completedCompactions() {
        return completed.get();
    }

    @Override
    public void close() {
        thread.shutdown();
        options.setCanceled(true);
        try {
            if (thread.awaitTermination(60, TimeUnit.SECONDS)) {
                options.close();
            } else {
                // Leak the small options object rather than free it under a running compaction.
                LOG.log(System.Logger.Level.WARNING, "background compaction did not stop within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
