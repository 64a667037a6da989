package io.kommander.internal.partition;

import io.kommander.internal.partition.MessageRefusals.Reason;
import io.kommander.transport.RaftMessage;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.transport.RaftMessage.AppendLogsResponse;
import io.kommander.transport.RaftMessage.InstallSnapshot;
import io.kommander.transport.RaftMessage.InstallSnapshotResponse;
import io.kommander.transport.RaftMessage.Quiesce;
import io.kommander.transport.RaftMessage.RequestVote;
import io.kommander.transport.RaftMessage.TimeoutNow;
import io.kommander.transport.RaftMessage.VoteResponse;

import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Takes one inbound message of a restored replica to where it belongs (etcd raft's shape): the checks every message
 * passes (a known sender, plausible terms and indexes, not an echo that a sleeping replica ignores), the term gate,
 * then the handler of this replica's role: {@link #stepLeader}, {@link #stepCandidate} or {@link #stepFollower}. A
 * message that a role has no use for is counted in {@link MessageRefusals}, never dropped silently.
 *
 * <p>Not thread-safe: part of a {@link RaftPartitionStateMachine}, owned by the partition's executor.
 */
final class MessageRouting {

    private final int partition;
    private final Set<PlantedBug> plantedBugs;
    private final ReplicaLog replicaLog;
    private final PartitionLog log;
    private final Leadership leadership;
    private final MessageRefusals refusals;
    private final Elections elections;
    private final FollowerReplication follower;
    private final QuiescenceWaking waking;
    /** The machine's step-down of a leader whose removal from the voters has committed. */
    private final Runnable stepDownIfRemoved;
    private final Supplier<Ready> ready;
    private final LongSupplier now;

    MessageRouting(int partition, Set<PlantedBug> plantedBugs, Elections.Replica replica, Elections elections,
                   FollowerReplication follower, QuiescenceWaking waking, Runnable stepDownIfRemoved,
                   Supplier<Ready> ready, LongSupplier now) {
        this.partition = partition;
        this.plantedBugs = plantedBugs;
        this.replicaLog = replica.replicaLog();
        this.log = replicaLog.log();
        this.leadership = replica.leadership();
        this.refusals = replica.refusals();
        this.elections = elections;
        this.follower = follower;
        this.waking = waking;
        this.stepDownIfRemoved = stepDownIfRemoved;
        this.ready = ready;
        this.now = now;
    }

    /**
     * Handles one message from {@code from} on a restored replica (see {@link RaftPartitionStateMachine#step} for
     * who may send what).
     */
    void step(String from, RaftMessage message) {
        if (!(message instanceof AppendLogs || message instanceof RequestVote
                || message instanceof InstallSnapshot) && !replicaLog.configuration().contains(from)) {
            refusals.record(Reason.UNKNOWN_SENDER);
        } else if (!MessageSanity.plausible(message, elections.term(), log.lastIndex(),
                plantedBugs.contains(PlantedBug.ADOPT_IMPLAUSIBLE_TERM))) {
            refusals.record(Reason.IMPLAUSIBLE);
        } else if (waking.wakeFor(from, message) && passesTermGate(from, message)) {
            switch (elections.role()) {
                case LEADER -> stepLeader(from, message);
                case PRE_CANDIDATE, CANDIDATE -> stepCandidate(from, message);
                case FOLLOWER -> stepFollower(from, message);
            }
        }
    }

    /**
     * The term rules, once for every role: a newer term makes this replica a follower of it (unless the message is
     * a pre-vote, which changes no state, or a vote request that a live leader's lease protects against); an older
     * term is refused, except that a stale leader is told the newer term and pre-votes are always answered.
     * Returns whether the message goes on to the role's handler.
     */
    private boolean passesTermGate(String from, RaftMessage message) {
        if (message.term() > elections.term() && !isPreVoteTraffic(message)) {
            if (message instanceof RequestVote vote && !vote.transfer() && elections.inLease()) {
                refusals.record(Reason.LEADER_LEASE);
                return false;
            }
            boolean fromLeader = message instanceof AppendLogs || message instanceof TimeoutNow
                    || message instanceof InstallSnapshot || message instanceof Quiesce;
            elections.becomeFollower(message.term(), fromLeader ? from : null);
        } else if (message.term() < elections.term() && !(message instanceof RequestVote vote && vote.preVote())) {
            if (message instanceof AppendLogs || message instanceof Quiesce) {
                // Tell a stale leader about the newer term so it steps down (and wakes, if it was quiescing).
                ready.get().messages.add(new Ready.Outbound(from,
                        new AppendLogsResponse(partition, elections.term(), false, log.lastIndex(), 0)));
            } else {
                refusals.record(Reason.STALE_TERM);
            }
            return false;
        }
        return true;
    }

    private static boolean isPreVoteTraffic(RaftMessage message) {
        return (message instanceof RequestVote rv && rv.preVote())
                || (message instanceof VoteResponse vr && vr.preVote() && vr.granted());
    }

    private void stepLeader(String from, RaftMessage message) {
        if (message instanceof AppendLogsResponse response) {
            leadership.onAppendResponse(from, response, now.getAsLong(), ready.get());
            stepDownIfRemoved.run();
        } else if (message instanceof InstallSnapshotResponse response) {
            leadership.onSnapshotResponse(from, response, now.getAsLong(), ready.get());
        } else if (message instanceof RequestVote vote) {
            elections.onRequestVote(from, vote);
        } else {
            // Votes arriving after the election was won; AppendLogs or TimeoutNow of this leader's own term, which
            // only a second leader of the term could send (election safety says there is none).
            refusals.record(Reason.UNEXPECTED_FOR_ROLE);
        }
    }

    private void stepCandidate(String from, RaftMessage message) {
        if (message instanceof VoteResponse response) {
            elections.onVoteResponse(from, response);
        } else if (message instanceof RequestVote vote) {
            elections.onRequestVote(from, vote);
        } else if (message instanceof AppendLogs append) {
            // Someone won this term: follow it.
            elections.becomeFollower(elections.term(), from);
            follower.onAppendLogs(from, append);
        } else if (message instanceof InstallSnapshot chunk) {
            elections.becomeFollower(elections.term(), from);
            follower.onInstallSnapshot(from, chunk);
        } else if (message instanceof Quiesce quiesce) {
            elections.becomeFollower(elections.term(), from);
            follower.onQuiesce(from, quiesce);
        } else if (message instanceof TimeoutNow timeoutNow) {
            elections.onTimeoutNow(timeoutNow);
        } else {
            // AppendLogsResponse: a candidate has sent no appends in this term.
            refusals.record(Reason.UNEXPECTED_FOR_ROLE);
        }
    }

    private void stepFollower(String from, RaftMessage message) {
        if (message instanceof AppendLogs append) {
            follower.onAppendLogs(from, append);
        } else if (message instanceof InstallSnapshot chunk) {
            follower.onInstallSnapshot(from, chunk);
        } else if (message instanceof Quiesce quiesce) {
            follower.onQuiesce(from, quiesce);
        } else if (message instanceof RequestVote vote) {
            elections.onRequestVote(from, vote);
        } else if (message instanceof TimeoutNow timeoutNow) {
            elections.onTimeoutNow(timeoutNow);
        } else {
            // AppendLogsResponse or VoteResponse: a follower has asked nothing in this term.
            refusals.record(Reason.UNEXPECTED_FOR_ROLE);
        }
    }
}
