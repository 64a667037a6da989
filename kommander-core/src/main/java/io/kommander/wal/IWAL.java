package io.kommander.wal;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Durable storage of every partition's Raft log and hard state on one node: the write-ahead log.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Calls may block; Kommander calls them only from its WAL worker threads ({@code FairWalScheduler},
 *       {@code FairReadScheduler}), never from a partition executor. Implementations must be thread-safe:
 *       reads may run concurrently with writes.</li>
 *   <li>{@link #write(WalBatch)} is atomic and durable: when it returns, every write in the batch (entries,
 *       truncations, hard states, checkpoints, metadata) survives a crash or power loss, and after a crash either
 *       the whole batch is visible or none of it is. It performs at most one sync. When it throws, nothing of the
 *       batch may be visible later.</li>
 *   <li>Entries are identified by (index, term). A partition's stored entries are contiguous from
 *       {@code compactedUpTo(p).index() + 1} to {@code lastPosition(p).index()}.</li>
 *   <li>{@link #installSnapshotBoundary} is atomic and durable as {@code write} is; {@link #compact} need
 *       not sync.</li>
 *   <li>Reads return exactly what was written; a record that fails its integrity check raises
 *       {@link WalException} naming the partition and index. Nothing is skipped.</li>
 * </ul>
 *
 * <p>A conformance kit ({@code io.kommander.wal.WalConformanceKit} in the {@code kommander-core} test-jar)
 * checks this contract; every implementation should extend it in its own tests.
 */
public interface IWAL extends AutoCloseable {

    /**
     * Applies a batch atomically and makes it durable with at most one sync.
     *
     * <p>A write that truncates at or below the compaction point, or appends entries that do not follow the log's
     * last index, is rejected before anything is written. If the storage itself fails (for example a failed
     * sync), Kommander treats the failure like a crash: the partition restores from what {@code read} and
     * {@code lastPosition} report afterwards (a few times in a row at most; see
     * {@code IRaft.onPartitionUnavailable}). A failed batch of several partitions is written again one partition at a
     * time, which is safe only because a failed write leaves nothing visible.
     *
     * @throws WalException if the batch is inconsistent (then none of it is visible), or the storage failed
     */
    void write(WalBatch batch);

    /**
     * Reads entries {@code fromIndex..toIndex} (inclusive) of a partition. The result's total
     * {@link LogEntry#sizeEstimate()} never exceeds {@code maxBytes}, except that one entry is always returned when
     * any is in range.
     *
     * @return the entries in ascending order; empty if the range is beyond the last index
     * @throws WalException if {@code fromIndex} is at or below the compaction point, or a record is corrupt
     */
    List<LogEntry> read(int partition, long fromIndex, long toIndex, long maxBytes);

    /**
     * The position of the partition's last entry; the compaction point if no entry is left, or
     * {@link LogPosition#ZERO} for a partition never written.
     */
    LogPosition lastPosition(int partition);

    /** The point the partition was compacted to ({@link LogPosition#ZERO} if never compacted). */
    LogPosition compactedUpTo(int partition);

    /** The partition's stored hard state, or {@link HardState#EMPTY}. */
    HardState hardState(int partition);

    /** The index of the partition's last recorded committed checkpoint, or 0. */
    long lastCheckpoint(int partition);

    /**
     * Removes every entry at or below {@code upTo.index()} and records {@code upTo} as the compaction point.
     * Need not sync: a crash may bring compacted entries back, never lose retained ones. A call at or below the
     * current compaction point does nothing. The caller guarantees that {@code upTo.term()} is the stored entry's
     * term; implementations need not check it.
     *
     * @throws WalException if {@code upTo} is beyond the last index (including any index on a never-written
     *                      partition)
     */
    void compact(int partition, LogPosition upTo);

    /**
     * Resets the partition's log to a snapshot's boundary, after the application installed the snapshot's state: the
     * log then starts after {@code boundary} and holds no entry. Every stored entry of the partition is dropped,
     * those after the boundary included (they may conflict with the log the snapshot came from);
     * {@code boundary} becomes both the compaction point and the last position; the last checkpoint becomes
     * {@code boundary.index()}, because the installed state stands in for everything up to the boundary as a
     * checkpoint does; the hard state is kept. The next append must have index {@code boundary.index() + 1}, and
     * a read at or below the boundary fails as a read of compacted entries does.
     *
     * <p>Atomic and durable, as {@link #write(WalBatch)} is: when it returns, the reset survives a crash; after a
     * crash either the old log or the reset one is visible, never a mix; when it throws, nothing changed. It
     * performs at most one sync, which also makes earlier compactions durable. A partition never written is
     * created by it. {@link #checkSnapshotBoundary} states which boundaries are rejected.
     *
     * @param partition the partition id
     * @param boundary  the (index, term) of the last entry the snapshot covers
     * @throws WalException if the boundary is rejected (nothing changed), or the storage failed
     */
    void installSnapshotBoundary(int partition, LogPosition boundary);

    /**
     * Checks a boundary for {@link #installSnapshotBoundary}; implementations call it before changing anything. A
     * boundary is rejected if its index or term is negative, if it is index 0 with a term other than 0, if it is
     * below the compaction point (that would forget entries known to be committed), or if it is at the compaction
     * point's index with another term (two committed entries cannot differ there: one side is corrupt).
     *
     * @param partition the partition id, for the message
     * @param boundary  the boundary to install
     * @param compacted the partition's current compaction point
     * @throws WalException if the boundary is rejected
     */
    static void checkSnapshotBoundary(int partition, LogPosition boundary, LogPosition compacted) {
        String reason = null;
        if (boundary.index() < 0 || boundary.term() < 0) {
            reason = "index and term must not be negative";
        } else if (boundary.index() == 0 && boundary.term() != 0) {
            reason = "index 0 has term 0";
        } else if (boundary.index() < compacted.index()) {
            reason = "it is below the compaction point " + compacted.index();
        } else if (boundary.index() == compacted.index() && boundary.term() != compacted.term()) {
            reason = "the compaction point at that index has term " + compacted.term();
        }
        if (reason != null) {
            throw new WalException("partition " + partition + ": cannot install snapshot boundary (index "
                    + boundary.index() + ", term " + boundary.term() + "): " + reason);
        }
    }

    /**
     * Deletes everything stored for a partition that was removed from the cluster: its entries (and any payload
     * storage only they use), hard state, last checkpoint and compaction point. Afterwards the partition reads as one
     * never written ({@link LogPosition#ZERO}, {@link HardState#EMPTY}, checkpoint 0) and is not in
     * {@link #partitions()}; node-level metadata is kept. Kommander calls it once the partition is closed on this node
     * (removed from the cluster, or its replica moved to other nodes); it writes to that partition id again only if a
     * replica is placed back on this node, and then ignores what metadata its id left.
     *
     * <p>Durable as {@link #write(WalBatch)} is: when it returns, the removal survives a crash; after a crash either
     * everything of the partition or nothing of it is visible. Idempotent: removing a partition never written (or
     * already removed) does nothing. Other partitions are untouched.
     *
     * @throws WalException if the storage failed (then the partition may still be there; calling again is safe)
     */
    void removePartition(int partition);

    /** The node-level metadata value stored under {@code key}, if any. */
    Optional<byte[]> metadata(String key);

    /** The ids of every partition with at least one stored entry, hard state, checkpoint or compaction point. */
    Set<Integer> partitions();

    /** Releases the storage; idempotent. Further calls other than {@code close} fail with {@link WalException}. */
    @Override
    void close();
}
