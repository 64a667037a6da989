package io.kommander.internal.partition;

import io.kommander.RaftLog;
import io.kommander.RaftLogType;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;

import java.util.function.Predicate;

/**
 * Delivers committed entries to the application, once each and in index order, up to the bound the state machine
 * gives (committed and durable in this replica's log). Entries that were already in the log when the replica
 * restored may have been delivered before the restart (delivery does not wait for the commit index to be durable):
 * those go to {@code onLogRestored} ({@link Ready#restoredDeliveries}), never again to
 * {@code onReplicationReceived} ({@link Ready#deliveries}).
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class Applier {

    private final int partition;
    private final PartitionLog log;
    private long appliedIndex;
    /** Entries up to here were in the log at the restore; lowered when a truncation removes such entries. */
    private long restoredThrough;
    /** {@link #restoredThrough} of an earlier restore in this process, or -1. */
    private long carriedRestoredThrough = -1;
    private long lastCheckpointIndex;

    Applier(int partition, PartitionLog log) {
        this.partition = partition;
        this.log = log;
    }

    /**
     * Starts a restore: everything up to {@code commitIndex} was delivered (before the restart, or earlier in this
     * process).
     *
     * @param restoredThrough where an earlier restore of this process put the end of {@code onLogRestored}
     *                        deliveries, or -1 for the process's first restore
     */
    void restoreBegin(long commitIndex, long lastCheckpoint, long restoredThrough) {
        appliedIndex = commitIndex;
        lastCheckpointIndex = lastCheckpoint;
        carriedRestoredThrough = restoredThrough;
    }

    /**
     * Ends the restore: entries in the log now may have been delivered before the restart, except after a restore
     * earlier in this process, whose bound holds (what was appended since was never delivered).
     */
    void restoreEnd() {
        restoredThrough = carriedRestoredThrough >= 0 ? Math.min(carriedRestoredThrough, log.lastIndex())
                : log.lastIndex();
    }

    /** Entries up to here go to {@code onLogRestored}, the others to {@code onReplicationReceived}. */
    long restoredThrough() {
        return restoredThrough;
    }

    /** The log was truncated after {@code index}: the removed entries were never committed, nor delivered. */
    void truncated(long index) {
        restoredThrough = Math.min(restoredThrough, index);
    }

    /** A snapshot up to {@code index} replaced the application's state: everything up to it counts as delivered. */
    void installed(long index) {
        appliedIndex = Math.max(appliedIndex, index);
        lastCheckpointIndex = Math.max(lastCheckpointIndex, index);
    }

    /** The highest index delivered. */
    long appliedIndex() {
        return appliedIndex;
    }

    /** The index of the last checkpoint entry delivered (or restored). */
    long lastCheckpointIndex() {
        return lastCheckpointIndex;
    }

    /** A committed checkpoint entry read back during a restore, which the application received before. */
    void checkpointRestored(long index) {
        lastCheckpointIndex = Math.max(lastCheckpointIndex, index);
    }

    /**
     * Delivers every entry after the applied index up to {@code upTo}, in order, calling {@code onApplied} for each;
     * an entry for which it answers false is applied but not delivered (a repeated client request).
     *
     * @return whether anything was delivered
     * @throws IllegalStateException if an entry to deliver is not in the log cache (the cache never evicts
     *                               undelivered entries, so this is a bug)
     */
    boolean applyThrough(long upTo, Ready ready, Predicate<LogEntry> onApplied) {
        if (appliedIndex >= upTo) {
            return false;
        }
        while (appliedIndex < upTo) {
            LogEntry entry = log.entry(appliedIndex + 1);
            if (entry == null) {
                throw new IllegalStateException("partition " + partition + ": entry " + (appliedIndex + 1)
                        + " to deliver is not in the log cache");
            }
            appliedIndex++;
            boolean deliver = onApplied.test(entry);
            if (entry.kind() == EntryKind.CHECKPOINT) {
                lastCheckpointIndex = entry.index();
            }
            RaftLog delivery = deliver ? toDelivery(entry) : null;
            if (delivery != null) {
                (entry.index() <= restoredThrough ? ready.restoredDeliveries : ready.deliveries).add(delivery);
            }
        }
        return true;
    }

    /** What the application sees of an entry, or null for entries it never sees (barriers, configurations). */
    static RaftLog toDelivery(LogEntry entry) {
        RaftLogType type = switch (entry.kind()) {
            case DATA, SYSTEM, COMMIT -> RaftLogType.Committed;
            case PROPOSED -> RaftLogType.Proposed;
            case ROLLBACK -> RaftLogType.RolledBack;
            case CHECKPOINT -> RaftLogType.CommittedCheckpoint;
            case BARRIER, CONFIGURATION -> null;
        };
        return type == null ? null
                : new RaftLog(entry.index(), entry.term(), type, entry.time(), entry.logType(), entry.data());
    }
}
