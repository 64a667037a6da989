package io.kommander.internal.partition;

/** A replica's role in its partition's Raft group. */
public enum RaftRole {
    /** Follows a leader (or waits for one). */
    FOLLOWER,
    /** Asks for pre-votes before disturbing the cluster with a new term. */
    PRE_CANDIDATE,
    /** Asks for votes in a new term. */
    CANDIDATE,
    /** Leads the partition. */
    LEADER
}
