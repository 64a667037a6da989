package io.kommander.internal.partition;

import io.kommander.RaftLog;
import io.kommander.internal.session.ClientSessions;
import io.kommander.internal.session.Verdict;
import io.kommander.wal.EntryKind;
import io.kommander.wal.HardState;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * This replica's log and how far along its entries are: appended (and queued for the next persist step), durable,
 * committed, delivered, compactable. The state machine's lower half, as etcd's {@code raftLog}: it never decides
 * what to append or commit, only carries it out and keeps the indices consistent. It feeds its entries to the
 * partition's {@link ClientSessions}, whose verdict decides whether a committed entry with a request id is
 * delivered.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class ReplicaLog {

    private final int partition;
    private final PartitionSettings settings;
    private final EnumSet<PlantedBug> plantedBugs;
    private final PartitionLog log = new PartitionLog();
    private final DurableBound durable = new DurableBound();
    private final Applier applier;
    private final PendingWrites writes;
    private final ProposalTracker proposals;
    private final ClientSessions sessions;
    private final Snapshots snapshots;
    /** The configuration of a fresh log: every node of the cluster votes. */
    private final Configuration initialConfiguration;
    private final ConfigurationHistory configurations = new ConfigurationHistory();
    private final PartitionMoves moves = new PartitionMoves();
    private long commitIndex;
    /** Planted bug RESTORE_SKIPS_FIRST only: the restore has yet to drop its first entry. */
    private boolean skipFirstRestored;
    /** The highest index every member is known to hold durably: nothing above it may be compacted. */
    private long safeCompactIndex;
    /**
     * The WAL's own compaction point as last known. It can lag the log's: a crash may undo a compaction (compaction
     * need not sync) whose session snapshot survived, and the restored log then starts at the snapshot's point.
     */
    private long walCompactedIndex;
    private long nextSeq = 1;
    /** Entries up to here reached the application before this restore, in this process: not handed over again. */
    private long handedBefore;

    ReplicaLog(int partition, PartitionSettings settings, PendingWrites writes, ProposalTracker proposals,
               EnumSet<PlantedBug> plantedBugs, Configuration initialConfiguration) {
        this(partition, settings, writes, proposals, plantedBugs, initialConfiguration,
                new Snapshots(partition, plantedBugs));
    }

    ReplicaLog(int partition, PartitionSettings settings, PendingWrites writes, ProposalTracker proposals,
               EnumSet<PlantedBug> plantedBugs, Configuration initialConfiguration, Snapshots snapshots) {
        this.partition = partition;
        this.snapshots = snapshots;
        this.initialConfiguration = initialConfiguration;
        configurations.reset(0, initialConfiguration);
        this.settings = settings;
        this.writes = writes;
        this.proposals = proposals;
        this.plantedBugs = plantedBugs;
        this.applier = new Applier(partition, log);
        this.sessions = new ClientSessions(settings.sessionLimits());
    }

    /** The entries' view; mutate it only through this class. */
    PartitionLog log() {
        return log;
    }

    long commitIndex() {
        return commitIndex;
    }

    long appliedIndex() {
        return applier.appliedIndex();
    }

    long durableIndex() {
        return durable.index();
    }

    long safeCompactIndex() {
        return safeCompactIndex;
    }

    /** The configuration in effect: the latest in the log, committed or not. */
    Configuration configuration() {
        return configurations.current();
    }

    /** The index of the current configuration's entry (0 for the initial one). */
    long configurationIndex() {
        return configurations.currentIndex();
    }

    /** The configuration in effect at {@code index}. */
    Configuration configurationAt(long index) {
        return configurations.at(index);
    }

    /** The split and seed entries of this log. */
    PartitionMoves moves() {
        return moves;
    }

    /** Whether a configuration change is appended but not committed. */
    boolean configurationChangePending() {
        return configurations.changePendingAbove(commitIndex);
    }

    /** How many configuration changes are appended and not committed (one at most, unless a bug is planted). */
    int configurationChangesInFlight() {
        return configurations.changesAbove(commitIndex);
    }

    /** The configuration to store beside a compaction to {@code target}. */
    byte[] configurationSnapshot(LogPosition target) {
        return configurations.snapshotAt(target.index());
    }

    /** The client sessions this log feeds; a leader reads them, only this class changes them. */
    ClientSessions sessions() {
        return sessions;
    }

    // ------------------------------------------------------------------ restore

    /** Starts a restore from the WAL's stored commit index, compaction point and last checkpoint. */
    void restoreBegin(long storedCommit, LogPosition compacted, long lastCheckpoint) {
        restoreBegin(storedCommit, compacted, lastCheckpoint, null, null, null, DeliveredSoFar.NONE);
    }

    /** Starts a restore with a stored snapshot of the client sessions (null if none), nothing delivered yet. */
    void restoreBegin(long storedCommit, LogPosition compacted, long lastCheckpoint, byte[] sessionSnapshot) {
        restoreBegin(storedCommit, compacted, lastCheckpoint, sessionSnapshot, null, null, DeliveredSoFar.NONE);
    }

    /** Starts a restore without a session snapshot, after a WAL failure that left {@code delivered} handed over. */
    void restoreBegin(long storedCommit, LogPosition compacted, long lastCheckpoint, DeliveredSoFar delivered) {
        restoreBegin(storedCommit, compacted, lastCheckpoint, null, null, null, delivered);
    }

    /**
     * Starts a restore, also from the stored snapshots of the client sessions, of the configuration and of the move
     * history at the compaction point (each null if none; without one, the configuration starts as the initial one). The log starts after
     * the snapshot's compaction point if the WAL has not kept its compaction (a compaction need not sync), and
     * everything the sessions had applied counts as committed. What the application received earlier in this
     * process ({@code delivered}) is committed, and durable (delivery waits for durability, and a failed write leaves
     * nothing behind), so the restored log holds it.
     *
     * @throws IllegalStateException if a snapshot is corrupt, or older than the WAL's compaction point
     */
    void restoreBegin(long storedCommit, LogPosition compacted, long lastCheckpoint, byte[] sessionSnapshot,
                      byte[] configurationSnapshot, byte[] moveHistory, DeliveredSoFar delivered) {
        restoreMoves(moveHistory, "stored");
        if (configurationSnapshot == null) {
            configurations.reset(0, initialConfiguration);
        } else {
            try {
                configurations.restore(configurationSnapshot);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("partition " + partition + ": the stored configuration is corrupt",
                        e);
            }
        }
        LogPosition start = compacted;
        if (sessionSnapshot != null) {
            LogPosition snapshotPoint = sessions.restore(sessionSnapshot);
            if (snapshotPoint.index() < compacted.index()) {
                throw new IllegalStateException("partition " + partition + ": the session snapshot was written for"
                        + " compaction point " + snapshotPoint.index() + ", below the WAL's " + compacted.index());
            }
            start = snapshotPoint;
        }
        commitIndex = Math.max(Math.max(Math.max(storedCommit, start.index()), sessions.appliedIndex()),
                delivered.index());
        handedBefore = delivered.index();
        applier.restoreBegin(commitIndex, lastCheckpoint, delivered.restoredThrough());
        skipFirstRestored = plantedBugs.contains(PlantedBug.RESTORE_SKIPS_FIRST);
        log.resetTo(start);
        walCompactedIndex = compacted.index();
    }

    /**
     * Feeds stored entries, in order; returns those delivered before the restart, for {@code onLogRestored}, except
     * any the application already received in this process.
     */
    List<RaftLog> restoreEntries(List<LogEntry> entries) {
        List<RaftLog> restoredLogs = new ArrayList<>();
        for (LogEntry entry : entries) {
            boolean committed = entry.index() <= commitIndex;
            log.appendRestored(entry, !committed || settings.logCacheEntries() > 0);
            proposals.onAppended(entry);
            sessions.appended(entry);
            configurations.appended(entry);
            moves.appended(entry);
            if (committed) {
                if (entry.kind() == EntryKind.CHECKPOINT && entry.index() > applier.lastCheckpointIndex()) {
                    // Applied earlier in this process, but the write that recorded it failed: record it again.
                    applier.checkpointRestored(entry.index());
                    writes.checkpoint(entry.index());
                }
                RaftLog delivered = applySession(entry) ? Applier.toDelivery(entry) : null;
                if (delivered != null && entry.index() > handedBefore) {
                    if (!skipFirstRestored) {
                        restoredLogs.add(delivered);
                    }
                    skipFirstRestored = false;
                }
            }
        }
        return restoredLogs;
    }

    /** Entries up to here go to {@code onLogRestored}, the others to {@code onReplicationReceived}. */
    long restoredThrough() {
        return applier.restoredThrough();
    }

    /** Ends the restore: everything read back is durable. */
    void restoreEnd() {
        if (commitIndex > log.lastIndex()) {
            // The stored commit index may run ahead of a log whose tail was lost; never deliver beyond the log.
            commitIndex = log.lastIndex();
        }
        durable.reset(log.lastIndex());
        applier.restoreEnd();
        if (plantedBugs.contains(PlantedBug.RESTORED_ONLY_THROUGH_STORED_COMMIT)) {
            applier.truncated(commitIndex);
        }
        log.trimCache(applier.appliedIndex(), settings.logCacheEntries(), settings.logCacheBytes());
    }

    /** Evicts every applied entry from the cache (the replica sleeps: no follower needs them soon). */
    void releaseCache() {
        log.releaseCache(applier.appliedIndex());
    }

    // ------------------------------------------------------------------ appending

    /** Appends entries after the last index, queues them for the next persist step, and follows their tickets. */
    void append(List<LogEntry> entries) {
        log.append(entries);
        writes.append(entries);
        entries.forEach(proposals::onAppended);
        entries.forEach(sessions::appended);
        entries.forEach(configurations::appended);
        entries.forEach(moves::appended);
    }

    /**
     * Appends the entries of an anchored AppendLogs that this log lacks, first truncating a conflicting suffix.
     *
     * @throws IllegalStateException if {@code leader}'s entries conflict with a committed one (a safety violation)
     */
    void appendFromLeader(String leader, List<LogEntry> entries) {
        long conflict = log.findConflict(entries);
        if (conflict == 0) {
            return;
        }
        if (conflict <= log.lastIndex()) {
            if (conflict <= commitIndex) {
                throw new IllegalStateException("partition " + partition + ": leader " + leader
                        + " conflicts with committed entry " + conflict);
            }
            truncateAfter(conflict - 1);
        }
        append(entries.subList((int) (conflict - entries.get(0).index()), entries.size()));
    }

    /** Drops the suffix after {@code index}: uncommitted entries a new leader replaced. */
    private void truncateAfter(long index) {
        proposals.onTruncated(index);
        sessions.truncatedAfter(index);
        configurations.truncatedAfter(index);
        moves.truncatedAfter(index);
        applier.truncated(index);
        // The next persist step taken carries the truncation.
        durable.truncated(nextSeq, index);
        log.truncateAfter(index);
        writes.truncateAfter(index);
    }

    // ------------------------------------------------------------------ commit, durability, delivery

    /**
     * Raises the commit index and delivers what is now committed and durable. The commit index is persisted with
     * the next step that persists anything else (or at a later tick, {@link PendingWrites#tick}), and nothing waits
     * for it: delivery needs only the entries to be durable here.
     *
     * @return whether anything was delivered
     */
    boolean commitTo(long newCommit, Ready ready) {
        commitIndex = newCommit;
        writes.commitChanged();
        return apply(ready);
    }

    /**
     * Persist step {@code seq} (and every earlier one) is durable; delivers what that makes deliverable.
     *
     * @param lastIndexAfter the log's last index once that step applied
     * @return whether anything was delivered
     */
    boolean persisted(long seq, long lastIndexAfter, Ready ready) {
        durable.persisted(seq, lastIndexAfter, log.lastIndex());
        return apply(ready);
    }

    /**
     * Delivers what is committed and durable in this log. An entry delivered here is in the durable log, so after
     * a restart it comes back through onLogRestored (see {@link Applier}), never twice through
     * onReplicationReceived.
     */
    private boolean apply(Ready ready) {
        if (snapshots.receiver().installing()) {
            // The application's state is being replaced by a snapshot past these entries.
            return false;
        }
        long upTo = plantedBugs.contains(PlantedBug.DELIVER_BEFORE_DURABLE)
                ? commitIndex : Math.min(durable.index(), commitIndex);
        if (!applier.applyThrough(upTo, ready, this::onApplied)) {
            return false;
        }
        log.trimCache(applier.appliedIndex(), settings.logCacheEntries(), settings.logCacheBytes());
        return true;
    }

    /** Follows an applied entry; returns whether the application sees it. */
    private boolean onApplied(LogEntry entry) {
        if (entry.kind() == EntryKind.CHECKPOINT) {
            writes.checkpoint(entry.index());
        }
        return applySession(entry);
    }

    /**
     * Applies an entry to the client sessions; returns whether it is delivered. The writes waiting for it are
     * answered by the sessions' verdict: a repeated request answers its first application's result.
     */
    private boolean applySession(LogEntry entry) {
        Verdict verdict = sessions.applied(entry);
        if (plantedBugs.contains(PlantedBug.IGNORE_REQUEST_IDS)) {
            return true;
        }
        if (entry.hasRequestId() && verdict.outcome() != Verdict.Outcome.REFUSED_BEFORE_RESTORE) {
            proposals.recordOutcome(entry.index(), verdict.result());
        }
        // A move entry or seed the log held before (appended again by a leader with a stale map) changes nothing.
        return verdict.delivered() && !moves.repeats(entry);
    }

    /**
     * Learns the moves a rebuilt log held before its start (null: none stored).
     *
     * @throws IllegalStateException if the history is corrupt
     */
    private void restoreMoves(byte[] history, String where) {
        if (plantedBugs.contains(PlantedBug.MOVE_HISTORY_FORGOTTEN)) {
            return;
        }
        try {
            moves.restore(MoveHistory.decode(history));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("partition " + partition + ": the " + where + " move history is corrupt",
                    e);
        }
    }

    /** Whether {@link #takePersistStep} has a step to give. */
    boolean hasPersistStep() {
        return !writes.isEmpty();
    }

    /** Takes what the inputs so far ask to persist, as the next numbered step; null if nothing. */
    Ready.PersistStep takePersistStep(HardState hardState) {
        return writes.isEmpty() ? null : writes.take(nextSeq++, hardState, log.lastIndex());
    }

    // ------------------------------------------------------------------ compaction

    /** Every member holds up to {@code heldByAll} durably: raises the compaction limit (never past the commit). */
    void raiseSafeCompactIndex(long heldByAll) {
        safeCompactIndex = Math.max(safeCompactIndex, Math.min(heldByAll, commitIndex));
    }

    /** A new leader knows nothing yet of what its followers hold beyond its own compaction point. */
    void resetSafeCompactIndex() {
        safeCompactIndex = Math.min(safeCompactIndex, log.compacted().index());
    }

    /** The WAL was compacted up to {@code position}. */
    void compacted(LogPosition position) {
        walCompactedIndex = Math.max(walCompactedIndex, position.index());
        log.compactedTo(position);
        proposals.onCompacted(position.index());
        sessions.compacted(position.index());
        configurations.compactedTo(position.index());
    }

    /**
     * The client sessions to store before compacting to {@code target} ({@link #compactionTarget()}): what the
     * compaction removes, a restore finds in them.
     */
    byte[] sessionSnapshot(LogPosition target) {
        return sessions.snapshot(target);
    }

    /** The move history to store before compacting to {@code target}, with the client sessions. */
    byte[] moveHistory(LogPosition target) {
        return moves.history(target.index()).encode();
    }

    /**
     * With snapshots, the highest index compaction may reach for the members' sake: what every member holds, or
     * failing that the retention behind the commit index, in entries or in bytes, whichever keeps less (a member
     * further behind is rebuilt by snapshot).
     */
    private long retainedFrom() {
        long byEntries = commitIndex - snapshots.retentionEntries();
        long byBytes = log.keepingBytesBefore(commitIndex, snapshots.retentionBytes());
        return Math.max(safeCompactIndex, Math.max(byEntries, byBytes));
    }

    // ------------------------------------------------------------------ snapshots

    /**
     * The index to take a snapshot at now, or -1: with snapshots, none being produced, the applied index if it is
     * newer than the latest snapshot, no manual proposal needs entries at or below it, and compaction would move.
     */
    long snapshotWanted() {
        if (!snapshots.enabled() || snapshots.producing()) {
            return -1;
        }
        long applied = applier.appliedIndex();
        boolean moves = Math.min(applied, retainedFrom()) > log.compacted().index();
        return applied > snapshots.latestIndex() && applied <= proposals.compactionLimit(commitIndex) && moves
                && log.termAt(applied) >= 0 ? applied : -1;
    }

    /**
     * The library's part of a snapshot at {@code index} (the applied index, now): the configuration, client sessions
     * and move history there, with no application state yet.
     */
    SnapshotImage snapshotHeader(long index) {
        LogPosition at = new LogPosition(index, log.termAt(index));
        return new SnapshotImage(at, configurations.snapshotAt(index), sessions.snapshot(at), new byte[0],
                moves.history(index).encode());
    }

    /** Whether this log holds a snapshot's boundary entry: installing it keeps the entries after it. */
    boolean holdsEntry(LogPosition boundary) {
        return boundary.index() <= log.lastIndex() && boundary.index() >= log.compacted().index()
                && log.termAt(boundary.index()) == boundary.term();
    }

    /**
     * Restarts from a snapshot received from the leader, which the application installed and the WAL stored. If
     * this log holds the boundary entry, the entries after it stay (they match the leader's and may be counted in
     * its commits); otherwise the whole log goes: entries after a boundary this log does not match are not in the
     * leader's log, so never committed. Everything up to the boundary counts as committed and applied.
     */
    void installSnapshot(SnapshotImage image) {
        LogPosition boundary = image.boundary();
        long index = boundary.index();
        if (holdsEntry(boundary)) {
            log.compactedTo(boundary);
            configurations.compactedTo(index);
        } else {
            // Nothing of this log stays; and no manual proposal spans a snapshot's boundary (none is taken while
            // one is open below it), so every ticket this log knew of is settled in the snapshot or gone.
            proposals.onTruncated(0);
            sessions.truncatedAfter(0);
            moves.truncatedAfter(index);
            applier.truncated(index);
            durable.reset(index);
            log.resetTo(boundary);
            try {
                configurations.restore(image.configuration());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("partition " + partition + ": the snapshot's configuration is corrupt",
                        e);
            }
        }
        sessions.restore(image.sessions());
        restoreMoves(image.moves(), "snapshot's");
        proposals.onCompacted(index);
        sessions.compacted(index);
        commitIndex = Math.max(commitIndex, index);
        applier.installed(index);
        walCompactedIndex = Math.max(walCompactedIndex, index);
        writes.hardStateChanged();
    }

    /**
     * The point the WAL may be compacted to now: the last delivered checkpoint that every member is known to hold,
     * short of the entries of any manual proposal that is open or whose settlement is not committed (after a restart
     * the proposal is known only from its entries); null if there is nothing new to compact.
     */
    LogPosition compactionTarget() {
        long limit = snapshots.enabled()
                ? Math.min(snapshots.latestIndex(), retainedFrom())
                : Math.min(Math.min(applier.lastCheckpointIndex(), applier.appliedIndex()), safeCompactIndex);
        limit = Math.min(limit, proposals.compactionLimit(commitIndex));
        if (limit <= log.compacted().index() || limit > log.lastIndex()) {
            // Nothing new; but a compaction the WAL lost in a crash is done again, or its entries stay forever.
            return walCompactedIndex < log.compacted().index() ? log.compacted() : null;
        }
        return new LogPosition(limit, log.termAt(limit));
    }
}
