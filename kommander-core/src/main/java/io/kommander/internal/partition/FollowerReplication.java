package io.kommander.internal.partition;

import io.kommander.internal.partition.MessageRefusals.Reason;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.transport.RaftMessage.AppendLogsResponse;
import io.kommander.transport.RaftMessage.InstallSnapshot;
import io.kommander.transport.RaftMessage.Quiesce;
import io.kommander.wal.LogEntry;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a follower does with its leader's replication traffic: appends anchored entries (or refuses them with a hint
 * where to resume), follows the leader's commit index, acknowledges once durable, and hands snapshot chunks on.
 *
 * <p>Not thread-safe: part of a {@link RaftPartitionStateMachine}, owned by the partition's executor.
 */
final class FollowerReplication {

    private final int partition;
    private final Set<PlantedBug> plantedBugs;
    private final PendingWrites writes;
    private final ReplicaLog replicaLog;
    private final PartitionLog log;
    private final ReplicaVerification verification;
    private final MessageRefusals refusals;
    private final Elections elections;
    private final SnapshotControl snapshots;
    private final Supplier<Ready> ready;
    private final Quiescence quiescence;

    FollowerReplication(int partition, Set<PlantedBug> plantedBugs, Elections.Replica replica, Elections elections,
                        SnapshotControl snapshots, Supplier<Ready> ready, Quiescence quiescence) {
        this.partition = partition;
        this.plantedBugs = plantedBugs;
        this.writes = replica.writes();
        this.replicaLog = replica.replicaLog();
        this.log = replicaLog.log();
        this.verification = replica.verification();
        this.refusals = replica.refusals();
        this.elections = elections;
        this.snapshots = snapshots;
        this.ready = ready;
        this.quiescence = quiescence;
    }

    /**
     * The leader quiesces: sleep too if this log holds its whole log committed. Otherwise answer, which wakes the
     * leader: a rejection with a hint if the logs differ at its last index, else an acknowledgement of that index
     * (the commit did not reach this replica), after which the leader's heartbeats carry the commit.
     */
    void onQuiesce(String from, Quiesce quiesce) {
        elections.heardFromLeader(from);
        long index = quiesce.index();
        boolean matches = log.termAt(index) == quiesce.indexTerm();
        if (matches && replicaLog.commitIndex() >= index && !snapshots.installing()) {
            // The leader quiesces only with its whole log committed: this log holds it up to its commit index.
            verification.quiesceHeld(quiesce.term(), index, log);
            quiescence.followerQuiesce(index);
            return;
        }
        writes.sendAfter(new Ready.Outbound(from, new AppendLogsResponse(partition, elections.term(), matches,
                matches ? index : log.rejectionHint(index, replicaLog.commitIndex()), 0)));
    }

    /** A snapshot chunk from this term's leader. */
    void onInstallSnapshot(String from, InstallSnapshot chunk) {
        elections.heardFromLeader(from);
        snapshots.onChunk(from, chunk);
    }

    /** Entries from this term's leader (past the term gate): appends what matches, and acknowledges. */
    void onAppendLogs(String from, AppendLogs append) {
        elections.heardFromLeader(from);
        quiescence.roundSeen(append.round());
        if (snapshots.installing()) {
            // The log is about to restart from the snapshot's boundary: nothing may be appended before.
            refusals.record(Reason.SNAPSHOT_BUSY);
            return;
        }
        long prevIndex = append.prevLogIndex();
        List<LogEntry> entries = append.entries();
        if (prevIndex < log.compacted().index()) {
            // Everything up to the compaction point is committed and so matches; skip what precedes it.
            long skipTo = log.compacted().index();
            entries = entries.stream().filter(e -> e.index() > skipTo).toList();
            prevIndex = skipTo;
        } else if (log.termAt(prevIndex) != append.prevLogTerm()
                && !(plantedBugs.contains(PlantedBug.SKIP_ANCHOR_CHECK) && prevIndex <= log.lastIndex())) {
            writes.sendAfter(new Ready.Outbound(from, new AppendLogsResponse(partition, elections.term(), false,
                    log.rejectionHint(prevIndex, replicaLog.commitIndex()), append.round())));
            return;
        }
        replicaLog.appendFromLeader(from, entries);
        long lastNew = prevIndex + entries.size();
        long newCommit = Math.min(append.leaderCommit(), lastNew);
        if (newCommit > replicaLog.commitIndex()) {
            // A follower has no writes or reads waiting for what it delivers.
            replicaLog.commitTo(newCommit, ready.get());
        }
        replicaLog.raiseSafeCompactIndex(append.safeCompactIndex());
        verification.leaderLogHeld(append.term(), append.leaderCommit(), lastNew, log);
        Ready.Outbound ack = new Ready.Outbound(from,
                new AppendLogsResponse(partition, elections.term(), true, lastNew, append.round()));
        if (plantedBugs.contains(PlantedBug.ACK_BEFORE_SYNC)) {
            ready.get().messages.add(ack);
        } else {
            writes.sendAfter(ack);
        }
    }
}
