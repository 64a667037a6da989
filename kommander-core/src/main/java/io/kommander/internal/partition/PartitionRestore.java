package io.kommander.internal.partition;

import io.kommander.RaftLog;
import io.kommander.wal.LogEntry;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reads a partition's WAL back into its fresh state machine: the head (hard state, compaction point, sessions,
 * configuration), the snapshot if any, the catch-up marks, then the entries chunk by chunk. A read that fails, or
 * that a WAL failure overtook (its epoch moved on), goes no further: the partition's retry decides what follows.
 *
 * <p>Not thread-safe: runs on the partition's executor.
 */
final class PartitionRestore {

    /** What the restore needs of its partition. */
    interface Host {
        /** The machine being restored. */
        RaftPartitionStateMachine machine();

        /** The partition's epoch: a restore begun under another one is stale. */
        int epoch();

        /** What the application already received in this process. */
        DeliveredSoFar delivered();

        /** A read failed or found the WAL inconsistent. */
        void walFailed(Throwable error);

        /** The node's clock takes in the time of restored entries. */
        void takeIn(List<LogEntry> entries);

        /** Hands a restored entry to the application. */
        void handRestored(RaftLog log);

        /** Every entry is back: the machine takes part in the cluster from now. */
        void restoreEnded();
    }

    private final RaftWriteAhead writeAhead;
    private final PartitionSnapshots snapshotFiles;
    private final CatchUpMarks catchUp;
    private final Host host;

    PartitionRestore(RaftWriteAhead writeAhead, PartitionSnapshots snapshotFiles, CatchUpMarks catchUp, Host host) {
        this.writeAhead = writeAhead;
        this.snapshotFiles = snapshotFiles;
        this.catchUp = catchUp;
        this.host = host;
    }

    /** Whether the partition has snapshots: then a fresh machine takes part in them. */
    boolean snapshotsEnabled() {
        return snapshotFiles.enabled();
    }

    /** Reads the WAL back into the host's machine, as the restore of epoch {@code at}. */
    void read(int at) {
        writeAhead.readHead((stored, readError) -> {
            if (at != host.epoch()) {
                return;
            }
            if (readError != null) {
                host.walFailed(readError);
                return;
            }
            snapshotFiles.restore(stored, host.delivered().index(), this::readHeadAgain, (head, error) -> {
                if (at != host.epoch()) {
                    return;
                }
                if (error != null) {
                    host.walFailed(error);
                    return;
                }
                continueRestore(head, at);
            });
        });
    }

    private CompletableFuture<RaftWriteAhead.RestoreHead> readHeadAgain() {
        CompletableFuture<RaftWriteAhead.RestoreHead> head = new CompletableFuture<>();
        writeAhead.readHead((read, error) -> {
            if (error != null) {
                head.completeExceptionally(error);
            } else {
                head.complete(read);
            }
        });
        return head;
    }

    private void continueRestore(RaftWriteAhead.RestoreHead head, int at) {
        RaftPartitionStateMachine machine = host.machine();
        try {
            machine.restoreBegin(head.hardState(), head.compacted(), head.lastCheckpoint(), head.sessions(),
                    head.configuration(), head.moves(), host.delivered());
        } catch (IllegalStateException e) {
            host.walFailed(e);
            return;
        }
        catchUp.restoring(machine, head.verified());
        // From the machine's start: the session snapshot may stand for a compaction the WAL lost in a crash.
        restoreFrom(machine.lastIndex() + 1, head.last().index(), at);
    }

    private void restoreFrom(long from, long last, int at) {
        if (from > last) {
            host.restoreEnded();
            return;
        }
        writeAhead.readChunk(from, last, (entries, error) -> {
            if (at != host.epoch()) {
                return;
            }
            if (error != null || entries.isEmpty()) {
                host.walFailed(error != null ? error
                        : new IllegalStateException("WAL returned no entries at " + from + " (last " + last + ")"));
                return;
            }
            host.takeIn(entries);
            for (RaftLog log : host.machine().restoreEntries(entries)) {
                host.handRestored(log);
            }
            restoreFrom(entries.get(entries.size() - 1).index() + 1, last, at);
        });
    }
}
