package io.kommander.internal.partition;

import io.kommander.wal.LogPosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts a partition's WAL up to the last checkpoint every member holds, one compaction at a time; with snapshots,
 * first takes a snapshot at the applied index if compaction would move (see {@link PartitionSnapshots}). Neither
 * happens while the node's {@link CompactionHold} holds the replica (a split or merge it takes part in is under way).
 *
 * <p>Not thread-safe: runs on the partition's executor.
 */
final class PartitionCompaction {

    // The partition's log category: what operators filter a partition's troubles by.
    private static final Logger LOG = LoggerFactory.getLogger(RaftPartition.class);

    /** What compaction needs of its partition. */
    interface Host extends PartitionParts {
        /** The current state machine, or null after a WAL failure until the next restore. */
        RaftPartitionStateMachine machine();

        /** The partition's epoch: a compaction begun under another one is stale. */
        int epoch();

        /** Whether the partition is closed. */
        boolean closed();
    }

    private final RaftWriteAhead writeAhead;
    private final PartitionSnapshots snapshotFiles;
    private final ReadyCarrier carrier;
    private final Host host;
    private boolean compacting;

    PartitionCompaction(RaftWriteAhead writeAhead, PartitionSnapshots snapshotFiles, ReadyCarrier carrier,
                        Host host) {
        this.writeAhead = writeAhead;
        this.snapshotFiles = snapshotFiles;
        this.carrier = carrier;
        this.host = host;
    }

    /** Starts a snapshot or a compaction if one is due and none runs. */
    void compact() {
        if (host.machine() == null || compacting
                || host.context().snapshots().hold().holds(host.id(), host.machine().moves())) {
            return;
        }
        if (snapshotFiles.enabled()) {
            // The application must have been handed everything applied before it is asked for a snapshot.
            carrier.carryOutReady();
            if (host.machine() == null || host.closed()) {
                return;
            }
        }
        RaftPartitionStateMachine machine = host.machine();
        long snapshotAt = machine.snapshots().wanted();
        if (snapshotAt > 0) {
            compacting = true;
            snapshotFiles.produce(machine, snapshotAt, () -> compacting = false);
            return;
        }
        LogPosition target = machine.snapshots().compactionTarget();
        if (target == null) {
            return;
        }
        compacting = true;
        int at = host.epoch();
        SnapshotControl compaction = machine.snapshots();
        writeAhead.compact(target, compaction.sessionSnapshot(target), compaction.configurationSnapshot(target),
                compaction.moveHistory(target), error -> {
            compacting = false;
            if (at != host.epoch()) {
                // A write failed since (and was logged): the restored machine read the compaction point anew.
                return;
            }
            if (error != null) {
                LOG.warn("partition {}: compaction to {} failed", host.id(), target.index(), error);
            } else {
                host.machine().snapshots().compacted(target);
            }
        });
    }
}
