package io.kommander;

import java.util.List;

/**
 * Where one partition stands on this node, as its executor saw it when {@link IRaft#partitionStatus} was answered.
 *
 * @param partition    the partition id
 * @param state        this replica's state
 * @param term         the current term (0 before the restore has read it)
 * @param leader       the leader's endpoint ({@code host:port}) as known here, or null
 * @param commitIndex  the highest index known committed
 * @param appliedIndex the highest index delivered to the application (through {@code onReplicationReceived} or
 *                     {@code onLogRestored})
 * @param lastIndex    the last index in this replica's log
 * @param followers    on the leader, each follower's replication progress; empty on other replicas
 * @param failure      why the partition stopped ({@link State#FAILED}), or null
 * @param voters       the endpoints of the partition's voters in the configuration this replica has in effect (the
 *                     latest in its log, committed or not); empty while restoring
 * @param learners     the endpoints of its learners (members that receive the log but do not vote), likewise
 */
public record PartitionStatus(int partition, State state, long term, String leader, long commitIndex,
                              long appliedIndex, long lastIndex, List<FollowerStatus> followers, String failure,
                              List<String> voters, List<String> learners) {

    /** A replica's state. */
    public enum State {
        /** Reading its log from the WAL; takes no calls yet. */
        RESTORING,
        /** Follows a leader (or waits for one). */
        FOLLOWER,
        /** Asks for pre-votes before starting an election. */
        PRE_CANDIDATE,
        /** Asks for votes in a new term. */
        CANDIDATE,
        /** Leads the partition. */
        LEADER,
        /** Stopped after detecting an impossible state; every call fails with {@code PartitionFailed}. */
        FAILED
    }

    /**
     * The leader's view of one follower.
     *
     * @param endpoint   the follower's endpoint ({@code host:port})
     * @param matchIndex the highest index the follower is known to hold
     * @param lag        entries the follower lacks: the leader's last index minus {@code matchIndex}
     */
    public record FollowerStatus(String endpoint, long matchIndex, long lag) {
    }

    /** Copies the lists. */
    public PartitionStatus {
        followers = List.copyOf(followers);
        voters = List.copyOf(voters);
        learners = List.copyOf(learners);
    }
}
