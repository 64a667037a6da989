package io.kommander.internal.partition;

import io.kommander.internal.session.ClientSessions;
import io.kommander.internal.wal.FairReadScheduler;
import io.kommander.internal.wal.FairWalScheduler;
import io.kommander.wal.HardState;
import io.kommander.wal.IWAL;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One partition's facade over the WAL: recovery and catch-up reads (on the read scheduler), persisting the state
 * machine's writes and compaction (on the write scheduler, in one FIFO per partition). Every completion is posted
 * back to the partition's executor, so callbacks run where the partition's state lives; only a persist step's
 * messages that wait for durability may leave from the WAL's thread (they touch no state).
 *
 * <p>Used only from the partition's executor.
 */
final class RaftWriteAhead {

    /**
     * What recovery needs first: the stored hard state, log bounds, the client sessions and configuration stored
     * with the last compaction and the latest snapshot (each null if none), and whether the replica is marked as
     * caught up after its node lost its data ({@link ReplicaCatchUp#metadataKey}).
     */
    record RestoreHead(HardState hardState, LogPosition compacted, long lastCheckpoint, LogPosition last,
                       byte[] sessions, byte[] configuration, byte[] snapshot, boolean verified) {
    }

    private static final long RESTORE_CHUNK_BYTES = 4L << 20;

    private final int partition;
    private final IWAL wal;
    private final FairWalScheduler writes;
    private final FairReadScheduler reads;
    private final RaftPartitionExecutor executor;
    private int inFlight;
    /** Bumped by every restore: completions of writes submitted before it must not touch {@link #inFlight}. */
    private int generation;
    /**
     * The generation in which a write failed, set on the WAL's thread: a later write of that generation may succeed
     * while an earlier one's entries are lost, so nothing is announced durable from the WAL's thread until the next
     * restore. Volatile: the WAL's workers set and read it (in the partition's write order).
     */
    private volatile int failedGeneration = -1;

    RaftWriteAhead(int partition, IWAL wal, FairWalScheduler writes, FairReadScheduler reads,
                   RaftPartitionExecutor executor) {
        this.partition = partition;
        this.wal = wal;
        this.writes = writes;
        this.reads = reads;
        this.executor = executor;
    }

    /** Reads the stored hard state and log bounds; accepts writes again after a failure. */
    void readHead(BiConsumer<RestoreHead, Throwable> done) {
        writes.reset(partition);
        inFlight = 0;
        generation++;
        reads.submit(partition, () -> {
            // The WAL keeps metadata across removePartition: a partition that reads as never written (never written,
            // or removed when its replica moved off this node) has none of its own, and a replica placed here again
            // restores from nothing, not from an earlier replica's sessions, configuration or snapshot. (A catch-up
            // mark is kept: it only makes the replica wait to catch up before it votes, as a fresh one does anyway.)
            HardState hardState = wal.hardState(partition);
            LogPosition compacted = wal.compactedUpTo(partition);
            LogPosition last = wal.lastPosition(partition);
            boolean held = !hardState.equals(HardState.EMPTY) || !compacted.equals(LogPosition.ZERO)
                    || !last.equals(LogPosition.ZERO);
            return new RestoreHead(hardState, compacted, wal.lastCheckpoint(partition), last,
                    held ? wal.metadata(ClientSessions.metadataKey(partition)).orElse(null) : null,
                    held ? wal.metadata(ConfigurationHistory.metadataKey(partition)).orElse(null) : null,
                    held ? wal.metadata(SnapshotImage.metadataKey(partition)).orElse(null) : null,
                    wal.metadata(ReplicaCatchUp.metadataKey(partition)).isPresent());
        },
                (head, error) -> post(RaftPartitionExecutor.Priority.CONTROL, () -> done.accept(head, error)));
    }

    /** Reads the next chunk of stored entries for recovery, from {@code from} up to {@code last}. */
    void readChunk(long from, long last, BiConsumer<List<LogEntry>, Throwable> done) {
        reads.submit(partition, () -> wal.read(partition, from, last, RESTORE_CHUNK_BYTES),
                (entries, error) -> post(RaftPartitionExecutor.Priority.CONTROL, () -> done.accept(entries, error)));
    }

    /**
     * Makes a step durable, then runs {@code done} on the executor with null or the error. A step with nothing to
     * write and nothing in flight completes at once, on the caller's stack.
     */
    void persist(Ready.PersistStep step, Consumer<Throwable> done) {
        persist(step, null, false, done);
    }

    /**
     * As {@link #persist(Ready.PersistStep, Consumer)}, and once the step and every write submitted before it are
     * durable, runs {@code durable} at once on the WAL's completing thread (not the executor: it must touch no
     * partition state), unless a write of this partition failed since the last restore. With {@code quietly} the
     * completion runs with the executor's next drain instead of starting one ({@link RaftPartitionExecutor#postQuietly}).
     * A step completing at once on the caller's stack runs {@code durable} there, before {@code done}.
     */
    void persist(Ready.PersistStep step, Runnable durable, boolean quietly, Consumer<Throwable> done) {
        if (step.write().isEmpty() && inFlight == 0) {
            if (durable != null) {
                durable.run();
            }
            done.accept(null);
            return;
        }
        inFlight++;
        int at = generation;
        writes.submit(partition, step.write(), error -> {
            noteFailure(at, error);
            if (error == null && durable != null && failedGeneration != at) {
                // Writes of a partition complete in submission order: no earlier one failed, so all are durable.
                durable.run();
            }
            Runnable operation = () -> {
                if (at == generation) {
                    inFlight--;
                }
                done.accept(error);
            };
            if (quietly && error == null) {
                executor.postQuietly(RaftPartitionExecutor.Priority.REPLICATION, operation);
            } else {
                post(RaftPartitionExecutor.Priority.REPLICATION, operation);
            }
        });
    }

    /** Reads entries a lagging follower needs. */
    void readForCatchUp(long from, long to, long maxBytes, BiConsumer<List<LogEntry>, Throwable> done) {
        reads.submit(partition, () -> wal.read(partition, from, to, maxBytes),
                (entries, error) -> post(RaftPartitionExecutor.Priority.REPLICATION,
                        () -> done.accept(entries, error)));
    }

    /** Reads the partition's stored snapshot (its encoding, or null if none) for a transfer to a follower. */
    void readSnapshot(BiConsumer<byte[], Throwable> done) {
        reads.submit(partition, () -> wal.metadata(SnapshotImage.metadataKey(partition)).orElse(null),
                (encoded, error) -> post(RaftPartitionExecutor.Priority.REPLICATION, () -> done.accept(encoded, error)));
    }

    /**
     * Stores the client sessions and the configuration at {@code position} durably, then compacts the WAL up to
     * {@code position}, then runs {@code done} on the executor with null or the error. A compaction changes the
     * WAL, so it queues on the write side, after every write persisted before it; the snapshots go with the group
     * write before it, so the compaction never removes entries that a restore would need to rebuild them.
     */
    void compact(LogPosition position, byte[] sessions, byte[] configuration, Consumer<Throwable> done) {
        int at = generation;
        writes.compact(partition, position, Map.of(ClientSessions.metadataKey(partition), sessions,
                        ConfigurationHistory.metadataKey(partition), configuration),
                error -> {
                    noteFailure(at, error);
                    post(RaftPartitionExecutor.Priority.MAINTENANCE, () -> done.accept(error));
                });
    }

    /**
     * Marks the replica caught up in the WAL, behind the writes queued before (a failure surfaces with the next
     * write; the replica then restores unverified, which is safe).
     */
    void markVerified() {
        writes.storeMetadata(partition, Map.of(ReplicaCatchUp.metadataKey(partition), new byte[] {1}), error -> { });
    }

    /**
     * Stores a snapshot (its encoding, and the client sessions and configuration at its boundary) durably, then
     * compacts the WAL up to its boundary, or with {@code reset} resets the WAL's log to it
     * ({@link IWAL#installSnapshotBoundary}); then runs {@code done} on the executor with null or the error. Queued
     * behind every write persisted before it, and completed at the priority of writes, so it is seen in order.
     */
    void storeSnapshot(SnapshotImage image, byte[] encoded, LogPosition compactTo, boolean reset,
                       Consumer<Throwable> done) {
        Map<String, byte[]> metadata = Map.of(SnapshotImage.metadataKey(partition), encoded,
                ClientSessions.metadataKey(partition), image.sessions(),
                ConfigurationHistory.metadataKey(partition), image.configuration());
        int at = generation;
        Consumer<Throwable> posted = error -> {
            noteFailure(at, error);
            post(RaftPartitionExecutor.Priority.REPLICATION, () -> done.accept(error));
        };
        if (reset) {
            writes.installSnapshotBoundary(partition, compactTo, metadata, posted);
        } else {
            writes.compact(partition, compactTo, metadata, posted);
        }
    }

    private void post(RaftPartitionExecutor.Priority priority, Runnable operation) {
        executor.post(priority, operation);
    }

    /** On the WAL's thread: a write of generation {@code at} ended with {@code error} (null: it succeeded). */
    private void noteFailure(int at, Throwable error) {
        if (error != null) {
            failedGeneration = at;
        }
    }
}
