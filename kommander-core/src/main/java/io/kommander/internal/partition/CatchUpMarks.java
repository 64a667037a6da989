package io.kommander.internal.partition;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition's part in its node's recovery from lost data: it starts the replica unverified when the node says so
 * (unless the replica's own WAL mark says it caught up before), tells the node when the replica holds entries (the
 * node presents that to its peers), and marks the replica caught up in the WAL once it is verified, so that a crash
 * during the node's catch-up does not make it unverified again.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class CatchUpMarks {

    private static final Logger LOG = LoggerFactory.getLogger(CatchUpMarks.class);

    private final int partition;
    private final ReplicaCatchUp node;
    private final RaftWriteAhead writeAhead;
    /** The replica restored unverified and has not been marked caught up in the WAL yet. */
    private boolean catchingUp;

    CatchUpMarks(int partition, ReplicaCatchUp node, RaftWriteAhead writeAhead) {
        this.partition = partition;
        this.node = node;
        this.writeAhead = writeAhead;
    }

    /** A restore began: {@code markedVerified} is the replica's WAL mark. */
    void restoring(RaftPartitionStateMachine machine, boolean markedVerified) {
        catchingUp = !markedVerified && node.replicasStartUnverified(partition);
        if (catchingUp) {
            machine.verification().startUnverified();
        }
    }

    /** After each drain of the executor. */
    void drained(RaftPartitionStateMachine machine) {
        if (machine.lastIndex() > 0) {
            node.holdsEntries();
        }
        if (catchingUp && machine.verification().verified()) {
            catchingUp = false;
            LOG.info("partition {}: caught up after this node lost its data (index {}); it votes again", partition,
                    machine.lastIndex());
            writeAhead.markVerified();
        }
    }

    /** The node decided this is the cluster's first start (its own mark says so; this replica needs none). */
    void firstStart(RaftPartitionStateMachine machine) {
        machine.verifiedAtFirstStart();
        catchingUp = false;
    }
}
