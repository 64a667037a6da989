package io.kommander.sim;

import io.kommander.testing.TestCluster;
import io.kommander.wal.HardState;
import io.kommander.wal.IWAL;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import io.kommander.wal.WalBatch;
import io.kommander.wal.WalException;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A node's simulated disk, kept apart into what is synced and what is not. {@link #write} and
 * {@link #installSnapshotBoundary} are the only syncs a node makes: when one returns, it (and every compaction
 * before it) is durable; it may instead fail with an injected {@link WalException}, leaving nothing behind.
 * {@link #compact} does not sync: until the next sync, a crash may bring the compacted entries back. Work still
 * queued when a node crashes (its WAL events) never reaches the disk. The disk outlives node incarnations: a
 * restarted node opens the same one.
 *
 * <p>A crash may also land inside a synced write ({@link #armTear}): the batch or boundary install is then partly
 * on the disk, its last record cut short. The synced storage cannot hold a torn record, so the disk models the
 * storage's recovery on the next open: the torn record fails its check and, the write never having been completed,
 * all of it is dropped (both are atomic in an {@link IWAL}). The node must restore without that write, at whatever
 * moment it came.
 *
 * <p>What is synced lives in a real {@link IWAL} (in memory by default, or the one a {@link TestCluster.WalFactory}
 * opens): a crash closes it and opens the same storage again, which therefore must keep every returned write.
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class SimDisk implements IWAL {

    private final SplittableRandom random;
    private final int node;
    private final TestCluster.WalFactory storage;
    private IWAL synced;
    /** What the disk held before its last wipe, or null. */
    private IWAL beforeWipe;
    /** Compactions done in memory but not yet synced, per partition. */
    private final Map<Integer, LogPosition> unsyncedCompactions = new TreeMap<>();
    private double writeFailure;
    private long writes;
    private long failedWrites;
    private long tornWrites;
    /** Runs the crash that the next write is torn by; null when no tear is armed. */
    private Runnable tearBy;
    /** Set by a tear until the next incarnation starts: the dead one's writes reach no disk. */
    private boolean poweredOff;

    /** Told of each partition's removal that reached the disk. */
    private java.util.function.IntConsumer onRemoval = partition -> { };

    /** A disk on in-memory storage. */
    SimDisk(SplittableRandom random) {
        this(random, 0, TestCluster.WalFactory.inMemory());
    }

    /**
     * @param random  the run's random source, for injected failures and what a crash keeps
     * @param node    the node's index, passed to {@code storage}
     * @param storage opens the node's synced storage, and opens it again after each crash
     */
    SimDisk(SplittableRandom random, int node, TestCluster.WalFactory storage) {
        this.random = random;
        this.node = node;
        this.storage = storage;
        this.synced = storage.open(node, null);
    }

    /** Sets the probability that a write fails (nothing of it is kept). */
    void setWriteFailure(double probability) {
        this.writeFailure = probability;
    }

    /** Writes that failed by injection so far. */
    long failedWrites() {
        return failedWrites;
    }

    /** Writes that a crash tore so far. */
    long tornWrites() {
        return tornWrites;
    }

    /** The next write is torn: part of it reaches the disk, then {@code crash} runs (it must crash this disk). */
    void armTear(Runnable crash) {
        this.tearBy = crash;
    }

    /** Cancels an armed tear (the fault phase is over). */
    void disarmTear() {
        this.tearBy = null;
    }

    /** A new incarnation starts: the disk takes writes again. */
    void powerOn() {
        poweredOff = false;
    }

    /** Syncs so far. */
    long writes() {
        return writes;
    }

    /**
     * The power goes out: each unsynced compaction is kept or lost at random (compaction never syncs), everything
     * synced stays. The disk is then ready to be opened by a new incarnation.
     */
    void crash() {
        // A torn write never reached the synced storage: recovery drops the torn record and its whole batch.
        tearBy = null;
        unsyncedCompactions.forEach((partition, upTo) -> {
            if (random.nextBoolean()) {
                synced.compact(partition, upTo);
            }
        });
        unsyncedCompactions.clear();
        synced.close();
        synced = storage.open(node, synced);
    }

    /**
     * The disk is replaced by an empty one, as when a node's data folder is deleted (after a {@link #crash}):
     * everything is gone. The old contents stay readable through {@link #heldBeforeWipe}, for the checks. The
     * storage factory must open an empty storage when given no previous one (the in-memory one does).
     */
    void wipe() {
        tearBy = null;
        unsyncedCompactions.clear();
        synced.close();
        if (beforeWipe != null) {
            beforeWipe.close();
        }
        beforeWipe = storage.open(node, synced);
        synced = storage.open(node, null);
    }

    /** The term of entry {@code index} on the disk as it was before its last wipe, or 0 (none, or no wipe). */
    long heldBeforeWipe(int partition, long index) {
        if (beforeWipe == null || index <= beforeWipe.compactedUpTo(partition).index()) {
            return 0;
        }
        List<LogEntry> entries = beforeWipe.read(partition, index, index, Long.MAX_VALUE);
        return entries.isEmpty() ? 0 : entries.get(0).term();
    }

    /** Closes the storage for good, once the run is over (a real WAL holds files and native memory). */
    void release() {
        synced.close();
        if (beforeWipe != null) {
            beforeWipe.close();
        }
    }

    @Override
    public void write(WalBatch batch) {
        beginSyncedWrite("a write of " + batch.writes().size() + " partition writes");
        synced.write(batch);
        writes++;
    }

    /**
     * Synced like {@link #write}, with the same faults: a dead incarnation's install reaches no disk, a torn one
     * leaves the old log, a failed one changes nothing.
     */
    @Override
    public void installSnapshotBoundary(int partition, LogPosition boundary) {
        beginSyncedWrite("a snapshot boundary install of partition " + partition);
        synced.installSnapshotBoundary(partition, boundary);
        writes++;
    }

    /**
     * Synced like {@link #write}, with the same faults: a dead incarnation's removal reaches no disk, a torn or failed
     * one leaves the partition as it was (the node removes it again when it next applies the removal). The
     * partition's unsynced compaction goes with it.
     */
    @Override
    public void removePartition(int partition) {
        beginSyncedWrite("a removal of partition " + partition);
        unsyncedCompactions.remove(partition);
        synced.removePartition(partition);
        writes++;
        onRemoval.accept(partition);
    }

    /** Tells {@code listener} of each partition's removal once it reached the disk (a monitor checks it). */
    void onRemoval(java.util.function.IntConsumer listener) {
        onRemoval = listener;
    }

    /**
     * What every synced write goes through before it reaches the synced storage: a powered-off disk refuses it, an
     * armed tear crashes the node inside it, an injected failure fails it, all leaving nothing of it; otherwise the
     * sync makes earlier compactions durable first, in call order.
     */
    private void beginSyncedWrite(String what) {
        if (poweredOff) {
            throw new WalException("simulated power loss: the disk is off");
        }
        if (tearBy != null) {
            Runnable crash = tearBy;
            tearBy = null;
            tornWrites++;
            crash.run();
            poweredOff = true;
            throw new WalException("simulated power loss inside " + what);
        }
        if (writeFailure > 0 && random.nextDouble() < writeFailure) {
            failedWrites++;
            throw new WalException("simulated I/O error: " + what);
        }
        sync();
    }

    /** Makes every compaction done so far durable, as any sync does (a crash right after loses none of them). */
    void sync() {
        unsyncedCompactions.forEach(synced::compact);
        unsyncedCompactions.clear();
    }

    /** Whether the synced log holds entry {@code index} of {@code term} (or has compacted past it). */
    boolean holds(int partition, long index, long term) {
        if (index <= compactedUpTo(partition).index()) {
            return true;
        }
        List<LogEntry> entries = synced.read(partition, index, index, Long.MAX_VALUE);
        return !entries.isEmpty() && entries.get(0).term() == term;
    }

    @Override
    public List<LogEntry> read(int partition, long fromIndex, long toIndex, long maxBytes) {
        LogPosition compacted = compactedUpTo(partition);
        if (fromIndex <= compacted.index() && fromIndex <= toIndex) {
            throw new WalException("partition " + partition + ": index " + fromIndex
                    + " is compacted (compaction point " + compacted.index() + ")");
        }
        return synced.read(partition, fromIndex, toIndex, maxBytes);
    }

    @Override
    public LogPosition lastPosition(int partition) {
        return synced.lastPosition(partition);
    }

    @Override
    public LogPosition compactedUpTo(int partition) {
        LogPosition pending = unsyncedCompactions.get(partition);
        return pending != null ? pending : synced.compactedUpTo(partition);
    }

    @Override
    public HardState hardState(int partition) {
        return synced.hardState(partition);
    }

    @Override
    public long lastCheckpoint(int partition) {
        return synced.lastCheckpoint(partition);
    }

    @Override
    public void compact(int partition, LogPosition upTo) {
        if (upTo.index() <= compactedUpTo(partition).index()) {
            return;
        }
        if (upTo.index() > lastPosition(partition).index()) {
            throw new WalException("partition " + partition + ": cannot compact to " + upTo.index()
                    + ", beyond the last index " + lastPosition(partition).index());
        }
        unsyncedCompactions.put(partition, upTo);
    }

    @Override
    public Optional<byte[]> metadata(String key) {
        return synced.metadata(key);
    }

    @Override
    public Set<Integer> partitions() {
        return synced.partitions();
    }

    /** A node that leaves closes its WAL; the disk stays usable for the node's next incarnation. */
    @Override
    public void close() {
    }
}
