package io.kommander.internal.partition;

import io.kommander.internal.partition.MessageRefusals.Reason;
import io.kommander.transport.RaftMessage;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.transport.RaftMessage.AppendLogsResponse;
import io.kommander.transport.RaftMessage.Quiesce;

import java.util.EnumSet;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Decides when a quiesced replica wakes, and what waking does: which messages wake it and which are echoes of the
 * time before it slept, a follower's wake-up call to its leader, and the node-level liveness that wakes a follower
 * of a dead or restarted leader. The sleeping itself is {@link Quiescence}'s.
 *
 * <p>Not thread-safe: part of a {@link RaftPartitionStateMachine}, owned by the partition's executor.
 */
final class QuiescenceWaking {

    /**
     * The heartbeat round of a quiesced follower's wake-up call to its leader: rounds start at 1 (the quiescence
     * round), so no echo of a heartbeat that put the partition to sleep carries it.
     */
    private static final long WAKE_ROUND = 0;

    private final int partition;
    private final Quiescence quiescence;
    private final Elections elections;
    private final Leadership leadership;
    private final ReplicaLog replicaLog;
    private final MessageRefusals refusals;
    private final EnumSet<PlantedBug> plantedBugs;
    private final Supplier<Ready> ready;
    private final LongSupplier now;
    /** Whether a node was heard from within an election timeout (node-level liveness); an input, set by the host. */
    private Predicate<String> nodeAlive = endpoint -> false;

    QuiescenceWaking(int partition, Quiescence quiescence, Elections elections, Leadership leadership,
                     ReplicaLog replicaLog, MessageRefusals refusals, EnumSet<PlantedBug> plantedBugs,
                     Supplier<Ready> ready, LongSupplier now) {
        this.partition = partition;
        this.quiescence = quiescence;
        this.elections = elections;
        this.leadership = leadership;
        this.replicaLog = replicaLog;
        this.refusals = refusals;
        this.plantedBugs = plantedBugs;
        this.ready = ready;
        this.now = now;
    }

    /** Tells the replica how to ask whether a node was heard from within an election timeout. */
    void nodeLiveness(Predicate<String> alive) {
        this.nodeAlive = alive;
    }

    /**
     * Every message but the Quiesce that puts a follower to sleep, and the echoes of the time before it slept (see
     * {@link #echo}, refused), wakes a quiesced replica; returns whether the message goes on. A follower woken by
     * another sender while its leader's node lives keeps its lease, the node's heartbeats standing for the
     * partition's, and wakes the leader: a restarted replica's campaign then fails against a live leader as it would
     * without quiescence.
     */
    boolean wakeFor(String from, RaftMessage message) {
        if (quiescence.quiesced() && echo(message)) {
            refusals.record(Reason.QUIESCED_ECHO);
            return false;
        }
        if (quiescence.quiesced() && !(message instanceof Quiesce)) {
            String leader = elections.leader();
            wake();
            if (elections.role() != RaftRole.LEADER && leader != null && !leader.equals(from)
                    && nodeAlive.test(leader)) {
                elections.heardFromLeader(leader);
                callLeader(leader);
            }
        }
        return true;
    }

    /**
     * A quiesced follower that needs to hear from its leader (its node joins again and wants a leader's log to
     * confirm this replica): wakes, restarting its election timer, and calls its leader, whose heartbeats then
     * resume. A leader, or a replica awake, has nothing to do: heartbeats reach an awake follower anyway.
     */
    void wakeToHearFromLeader() {
        if (!quiescence.quiesced() || elections.role() == RaftRole.LEADER) {
            return;
        }
        String leader = elections.leader();
        wake();
        if (leader != null) {
            callLeader(leader);
        }
    }

    /** A follower's wake-up call: an acknowledgement of the quiesced log, in a round no heartbeat carries. */
    private void callLeader(String leader) {
        ready.get().messages.add(new Ready.Outbound(leader, new AppendLogsResponse(partition, elections.term(), true,
                quiescence.index(), WAKE_ROUND)));
    }

    /**
     * Whether a message to this quiesced replica was sent before it slept and carries nothing new: a heartbeat of this
     * term anchored within the quiesced log with no entries, no newer commit and no newer round (a ReadIndex round is
     * news), or an acknowledgement of the
     * quiesced log echoing a heartbeat round. Heartbeats and their answers still in flight when the leader quiesced
     * would otherwise wake the partition they just put to sleep. A follower's wake-up call to its leader carries
     * round {@link #WAKE_ROUND}, which no heartbeat of a leader that ever quiesced carries.
     */
    private boolean echo(RaftMessage message) {
        if (message.term() != elections.term()) {
            return false;
        }
        if (message instanceof AppendLogs append) {
            return elections.role() != RaftRole.LEADER && append.entries().isEmpty()
                    && append.round() <= quiescence.roundSeen() && append.prevLogIndex() <= quiescence.index()
                    && append.leaderCommit() <= replicaLog.commitIndex();
        }
        return message instanceof AppendLogsResponse response && elections.role() == RaftRole.LEADER
                && response.success() && response.matchIndex() <= quiescence.index()
                && response.round() != WAKE_ROUND;
    }

    /** Wakes the replica if it slept: a leader resumes heartbeats, a follower restarts its election timer. */
    void wake() {
        if (quiescence.wake()) {
            if (elections.role() == RaftRole.LEADER) {
                leadership.awaken(now.getAsLong());
            } else {
                elections.resetElectionDeadline();
            }
        }
    }

    /** A request wakes a quiesced leader; a follower refuses it (naming the leader) and sleeps on. */
    void wakeLeader() {
        if (elections.role() == RaftRole.LEADER) {
            wake();
        }
    }

    /**
     * Node-level liveness suspects {@code endpoint}'s node dead (silent for an election timeout, or restarted): a
     * quiesced follower of it wakes, and elects once its election timer runs out, at once if it is the leader's
     * successor in the campaign order ({@link Elections#leaderLost}).
     */
    void leaderNodeDown(String endpoint) {
        if (quiescence.quiesced() && elections.role() != RaftRole.LEADER && endpoint.equals(elections.leader())
                && !plantedBugs.contains(PlantedBug.QUIESCED_FOLLOWER_IGNORES_DEAD_LEADER)) {
            wake();
            elections.leaderLost(endpoint);
        }
    }

    /**
     * {@code endpoint}'s node restarted: a quiesced follower of it wakes as if it were dead (it lost its leaderships),
     * and a quiesced leader with a replica there wakes to heartbeat it, since a replica that lost its data waits to be
     * caught up without a word.
     */
    void peerRestarted(String endpoint) {
        if (elections.role() == RaftRole.LEADER) {
            if (quiescence.quiesced() && replicaLog.configuration().contains(endpoint)) {
                wake();
            }
        } else {
            leaderNodeDown(endpoint);
        }
    }
}
