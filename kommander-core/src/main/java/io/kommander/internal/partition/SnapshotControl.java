package io.kommander.internal.partition;

import io.kommander.transport.RaftMessage.InstallSnapshot;
import io.kommander.transport.RaftMessage.InstallSnapshotResponse;
import io.kommander.wal.LogPosition;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The state machine's compaction and snapshot operations, for its host and its follower role: what to compact and
 * what to store with it, taking chunks from a leader, ending an install, producing and restoring snapshots. It keeps
 * the state machine's own class to the protocol's roles; every method runs on the partition's executor and its
 * outputs go to the machine's current {@link Ready}.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class SnapshotControl {

    /** A complete, verified snapshot from {@code leader} for the host to install. */
    record Install(String leader, SnapshotImage image, byte[] encoded) {
    }

    private final Snapshots snapshots;
    private final ReplicaLog replicaLog;
    private final PendingWrites writes;
    private final MessageRefusals refusals;
    private final LongSupplier term;
    private final Supplier<Ready> ready;
    /** Whether this replica leads and is sending a snapshot to a follower that answers. */
    private final BooleanSupplier sending;
    /** The leader whose complete snapshot is being installed. */
    private String installingFrom;

    SnapshotControl(Snapshots snapshots, ReplicaLog replicaLog, PendingWrites writes, MessageRefusals refusals,
                    LongSupplier term, Supplier<Ready> ready, BooleanSupplier sending) {
        this.snapshots = snapshots;
        this.replicaLog = replicaLog;
        this.writes = writes;
        this.refusals = refusals;
        this.term = term;
        this.ready = ready;
        this.sending = sending;
    }

    /** Turns snapshots on for this partition (before the restore). */
    void enable(SnapshotThrottle throttle, int chunkBytes, long retentionEntries, long retentionBytes) {
        snapshots.enable(throttle, chunkBytes, retentionEntries, retentionBytes);
    }

    /** Whether the partition has snapshots. */
    boolean enabled() {
        return snapshots.enabled();
    }

    /** Whether a snapshot is being installed: the log must not change meanwhile. */
    boolean installing() {
        return snapshots.installing();
    }

    // ------------------------------------------------------------------ follower

    /** A chunk from the leader {@code from} (past the term gate, leader contact noted). */
    void onChunk(String from, InstallSnapshot chunk) {
        if (!snapshots.enabled()) {
            refusals.record(MessageRefusals.Reason.SNAPSHOT_BUSY);
            return;
        }
        SnapshotReceiver.Outcome outcome = snapshots.receiver().onChunk(chunk, term.getAsLong(),
                replicaLog.commitIndex());
        if (outcome == null) {
            refusals.record(MessageRefusals.Reason.SNAPSHOT_BUSY);
        } else if (outcome.complete() != null) {
            installingFrom = from;
            ready.get().snapshotInstall = new Install(from, outcome.complete(), outcome.encoded());
        } else if (outcome.answer().installed()) {
            // Held committed here: the entries up to the boundary must be durable before the leader counts them.
            writes.sendAfter(new Ready.Outbound(from, outcome.answer()));
        } else {
            ready.get().messages.add(new Ready.Outbound(from, outcome.answer()));
        }
    }

    /** Whether installing {@code boundary} keeps this log's entries after it (the log holds the boundary entry). */
    boolean keepsLog(LogPosition boundary) {
        return replicaLog.holdsEntry(boundary);
    }

    /** The application installed the snapshot and the WAL stored it: the log restarts from its boundary. */
    void installed(SnapshotImage image, byte[] encoded) {
        replicaLog.installSnapshot(image);
        snapshots.held(Snapshots.Local.of(image, encoded));
        answer(snapshots.receiver().installEnded(term.getAsLong(), true));
    }

    /** The application could not install the snapshot: nothing changed, and the leader sends it again. */
    void installFailed() {
        answer(snapshots.receiver().installEnded(term.getAsLong(), false));
    }

    private void answer(InstallSnapshotResponse response) {
        if (installingFrom != null) {
            ready.get().messages.add(new Ready.Outbound(installingFrom, response));
        }
        installingFrom = null;
    }

    // ------------------------------------------------------------------ compaction

    /**
     * The point the WAL may be compacted to now, or null if there is nothing new to compact: without snapshots the
     * last committed checkpoint every member is known to hold and this replica has applied; with them the latest
     * snapshot, short of the retention while a member lags; never as far as the entries of an open manual proposal.
     */
    LogPosition compactionTarget() {
        return replicaLog.compactionTarget();
    }

    /** The WAL was compacted up to {@code position}. */
    void compacted(LogPosition position) {
        replicaLog.compacted(position);
    }

    /** The configuration in effect at {@code target}, to store in the WAL before compacting to it. */
    byte[] configurationSnapshot(LogPosition target) {
        return replicaLog.configurationSnapshot(target);
    }

    /** The client sessions to store in the WAL before compacting to {@code target}. */
    byte[] sessionSnapshot(LogPosition target) {
        return replicaLog.sessionSnapshot(target);
    }

    /** The move history to store in the WAL before compacting to {@code target}. */
    byte[] moveHistory(LogPosition target) {
        return replicaLog.moveHistory(target);
    }

    // ------------------------------------------------------------------ producing and restoring

    /**
     * The index to take a snapshot at now (the applied index), or -1. None while this leader sends one to a follower
     * that answers: a newer snapshot would restart that transfer from its start, and a follower that needs longer to
     * receive one than the leader takes between two would never catch up. The log is kept from the snapshot's boundary
     * on meanwhile (compaction stops at the latest snapshot).
     */
    long wanted() {
        long wanted = replicaLog.snapshotWanted();
        // The followers are looked at only when a snapshot is due, not at every check.
        return wanted < 0 || !sending.getAsBoolean() ? wanted : -1;
    }

    /** Marks a snapshot at {@code index} as being produced and returns its library part. */
    SnapshotImage begin(long index) {
        snapshots.producing(true);
        return replicaLog.snapshotHeader(index);
    }

    /** The application produced the snapshot (or failed to, with null): it becomes the latest, to send. */
    void produced(SnapshotImage image, byte[] encoded) {
        snapshots.producing(false);
        if (image != null) {
            snapshots.held(Snapshots.Local.of(image, encoded));
        }
    }

    /**
     * The latest snapshot was read back from the WAL for a transfer (null if the read failed).
     *
     * @return whether its bytes are now loaded, to send
     */
    boolean read(byte[] encoded) {
        return snapshots.read(encoded);
    }

    /** Drops the latest snapshot's bytes (no transfer needs them). */
    void release() {
        snapshots.release();
    }

    /** The snapshot read back from the WAL at a restore, which the application installed. */
    void restored(SnapshotImage image, byte[] encoded) {
        snapshots.held(Snapshots.Local.of(image, encoded));
    }

    /** Where the log starts now (its compaction point). */
    LogPosition logStart() {
        return replicaLog.log().compacted();
    }
}
