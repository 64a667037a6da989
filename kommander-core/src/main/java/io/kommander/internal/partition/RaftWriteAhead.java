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
 * back to the partition's executor, so callbacks run where the partition's state lives.
 *
 * <p>Used only from the partition's executor.
 */
final class RaftWriteAhead {

    /**
     * What recovery needs first: the stored hard state, log bounds, the client sessions, configuration and move
     * history stored with the last compaction and the latest snapshot (each null if none), and whether the replica is marked as
     * caught up after its node lost its data ({@link ReplicaCatchUp#metadataKey}).
     */
    record RestoreHead(HardState hardState, LogPosition compacted, long lastCheckpoint, LogPosition last,
                       byte[] sessions, byte[] configuration, byte[] moves, byte[] snapshot, boolean verified) {
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
                    held ? wal.metadata(MoveHistory.metadataKey(partition)).orElse(null) : null,
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
        if (step.write().isEmpty() && inFlight == 0) {
            done.accept(null);
            return;
        }
        inFlight++;
        int at = generation;
        writes.submit(partition, step.write(), error -> post(RaftPartitionExecutor.Priority.REPLICATION, () -> {
            if (at == generation) {
                inFlight--;
            }
            done.accept(error);
        }));
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
     * Stores the client sessions, the configuration and the move history at {@code position} durably, then compacts
     * the WAL up to
     * {@code position}, then runs {@code done} on the executor with null or the error. A compaction changes the
     * WAL, so it queues on the write side, after every write persisted before it; the snapshots go with the group
     * write before it, so the compaction never removes entries that a restore would need to rebuild them.
     */
    void compact(LogPosition position, byte[] sessions, byte[] configuration, byte[] moves,
                 Consumer<Throwable> done) {
        writes.compact(partition, position, Map.of(ClientSessions.metadataKey(partition), sessions,
                        ConfigurationHistory.metadataKey(partition), configuration,
                        MoveHistory.metadataKey(partition), moves),
                error -> post(RaftPartitionExecutor.Priority.MAINTENANCE, () -> done.accept(error)));
    }

    /**
     * Marks the replica caught up in the WAL, behind the writes queued before (a failure surfaces with the next
     * write; the replica then restores unverified, which is safe).
     */
    void markVerified() {
        writes.storeMetadata(partition, Map.of(ReplicaCatchUp.metadataKey(partition), new byte[] {1}), error -> { });
    }

    /**
     * Stores a snapshot (its encoding, and the client sessions, configuration and move history at its boundary)
     * durably, then
     * compacts the WAL up to its boundary, or with {@code reset} resets the WAL's log to it
     * ({@link IWAL#installSnapshotBoundary}); then runs {@code done} on the executor with null or the error. Queued
     * behind every write persisted before it, and completed at the priority of writes, so it is seen in order.
     */
    void storeSnapshot(SnapshotImage image, byte[] encoded, LogPosition compactTo, boolean reset,
                       Consumer<Throwable> done) {
        Map<String, byte[]> metadata = Map.of(SnapshotImage.metadataKey(partition), encoded,
                ClientSessions.metadataKey(partition), image.sessions(),
                ConfigurationHistory.metadataKey(partition), image.configuration(),
                MoveHistory.metadataKey(partition), image.moves());
        Consumer<Throwable> posted = error -> post(RaftPartitionExecutor.Priority.REPLICATION,
                () -> done.accept(error));
        if (reset) {
            writes.installSnapshotBoundary(partition, compactTo, metadata, posted);
        } else {
            writes.compact(partition, compactTo, metadata, posted);
        }
    }

    private void post(RaftPartitionExecutor.Priority priority, Runnable operation) {
        executor.post(priority, operation);
    }
}
