package io.kommander;

import java.util.concurrent.CompletableFuture;

/**
 * The application's side of snapshots (optional; pass it to {@link RaftManager.Builder#stateMachineTransfer}): it
 * produces a partition's state as of an applied index, and installs one in place of its own. With it, a replica
 * compacts its log behind a snapshot instead of waiting for a checkpoint every member holds, and a follower that
 * needs entries its leader has compacted (one that was down too long, or whose data was lost) is sent the leader's
 * snapshot instead. Without it, the checkpoint model holds: compaction waits for every member.
 *
 * <h2>Threads</h2>
 * Both methods are called on the partition's executor, so they see the partition's events in order, and must not
 * block: they return a future that may complete later, on any thread.
 * <ul>
 *   <li>{@link #produceSnapshot} is called right after the entry at {@code index} was delivered (and before the
 *       next one is): the application captures its state of the partition as of that index there (a copy, or a
 *       version of a persistent structure) and may serialize it later, off the executor.</li>
 *   <li>{@link #installSnapshot} is called when a snapshot replaces the application's state: nothing of that
 *       partition is delivered until its future completes. A future that fails leaves the partition as it was (the
 *       leader offers the snapshot again); the application must then keep its previous state.</li>
 * </ul>
 *
 * <h2>Durability</h2>
 * The library stores the latest snapshot of each partition in its WAL. When a node restarts, each partition that has
 * one installs it ({@link #installSnapshot}) before replaying the log after it through {@code onLogRestored}; the
 * application's state of such a partition is the snapshot plus the entries after it, and it need not keep any state
 * of its own on disk.
 *
 * <h2>Size</h2>
 * A snapshot is a {@code byte[]} of at most {@link #MAX_SNAPSHOT_BYTES}. The library keeps each partition's latest
 * snapshot in its WAL only; it holds a whole copy on the heap just while it produces, stores, sends or receives one
 * (a leader reads it back from the WAL when a follower needs it, and drops it once no follower does), so an idle
 * partition holds none. Each transfer still handles the whole {@code byte[]} at once: this is meant for partition
 * states of kilobytes to tens of megabytes.
 */
public interface IRaftStateMachineTransfer {

    /** The largest snapshot a partition may have, in bytes (with the library's own state, under 1 GiB). */
    int MAX_SNAPSHOT_BYTES = (1 << 30) - (1 << 20);

    /**
     * Whether a partition's state is transferred by snapshot (default: every user partition). A partition for which
     * this answers false keeps the checkpoint model. The answer must not change while the node runs, and must be the
     * same on every node.
     */
    default boolean transfers(int partition) {
        return true;
    }

    /**
     * Captures the partition's state as of {@code index}, the last entry delivered.
     *
     * @param partition the partition
     * @param index     the last index delivered to the application for this partition
     * @return completes with the state's bytes (at most {@link #MAX_SNAPSHOT_BYTES}); a failed future just means no
     *         snapshot this time
     */
    CompletableFuture<byte[]> produceSnapshot(int partition, long index);

    /**
     * Replaces the application's state of the partition with a snapshot produced (on this or another node) as of
     * {@code index}; deliveries resume after {@code index}.
     *
     * @param partition the partition
     * @param index     the last index the snapshot covers
     * @param snapshot  the bytes {@link #produceSnapshot} gave
     * @return completes once the state is replaced; fails if it could not be (the previous state stays)
     */
    CompletableFuture<Void> installSnapshot(int partition, long index, byte[] snapshot);

    /**
     * Whether this application can split and merge partitions ({@link #produceRangeSnapshot},
     * {@link #absorbSnapshot}); default false, and {@link IRaft#splitPartition} and {@link IRaft#mergePartitions}
     * are then refused with
     * {@link RaftOperationStatus#SplitUnsupported}. The answer must not change while the node runs, and must be the
     * same on every node.
     */
    default boolean splitsPartitions() {
        return false;
    }

    /**
     * The split of {@code partition} at {@code index}: called on every replica, on the partition's executor, right
     * after the entry before {@code index} was delivered (or restored). From now on the partition holds only the keys
     * outside {@code range}: the application drops its state of the keys whose hash ({@link PartitionMap#hash}) is in
     * {@code range}, and returns that state, which the new partition starts from ({@link #absorbSnapshot}). Every
     * replica must return the same bytes (they are produced from the same state); the library uses one of them.
     *
     * @param partition the partition being split
     * @param index     the index of the split entry in its log
     * @param range     the key-hash range that moves to the new partition
     * @return the moved keys' state; the default fails: splits unsupported
     */
    default CompletableFuture<byte[]> produceRangeSnapshot(int partition, long index, PartitionRange range) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("range snapshots"));
    }

    /**
     * Adds state produced by {@link #produceRangeSnapshot} of {@code fromPartition} to {@code partition}'s: called on
     * every replica of {@code partition}, on its executor, when the entry carrying it (at {@code index}) is delivered
     * or restored, before anything after it. A new half of a split absorbs its seed this way before it takes writes;
     * a merge's survivor absorbs the whole state of the partition merged into it (produced over that partition's
     * whole range) while it serves its own keys, so {@code partition}'s state need not be empty then.
     *
     * @param partition     the partition that takes the state
     * @param index         the index of the entry that carries it in {@code partition}'s log
     * @param fromPartition the partition it was produced from
     * @param snapshot      the bytes {@link #produceRangeSnapshot} returned
     * @return completes once absorbed; the default fails: splits unsupported
     */
    default CompletableFuture<Void> absorbSnapshot(int partition, long index, int fromPartition, byte[] snapshot) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("range snapshots"));
    }
}
