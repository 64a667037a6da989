package io.kommander;

import java.util.Objects;

/**
 * One member of the cluster as the roster records it (see {@link Membership}). Immutable.
 *
 * @param nodeId        the member's numeric id, or 0 while the roster does not know it (members of the first roster
 *                      other than the node that wrote it, until they report it)
 * @param endpoint      the member's {@code host:port}: its identity in the roster
 * @param role          what the member does now
 * @param joinedVersion the membership version at which it entered the roster
 * @param incarnation   the member's incarnation (the id stored in its WAL under {@code node/incarnation}), or 0
 *                      while unknown
 */
public record Member(int nodeId, String endpoint, Role role, long joinedVersion, long incarnation) {

    /** What a member does. */
    public enum Role {
        /** Receives every partition's log and does not vote: a node that joined and is catching up. */
        LEARNER,
        /** Votes and counts in every partition's quorums (once each partition has promoted it). */
        VOTER,
        /** Being removed: its partitions are handed over and it is taken out of every configuration. */
        LEAVING
    }

    /**
     * @throws NullPointerException     if the endpoint or role is null
     * @throws IllegalArgumentException if the endpoint is empty or a number is negative
     */
    public Member {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(role, "role");
        if (endpoint.isEmpty() || nodeId < 0 || joinedVersion < 0) {
            throw new IllegalArgumentException("invalid member " + nodeId + " " + endpoint + " " + joinedVersion);
        }
    }

    /** This member with another role. */
    public Member withRole(Role newRole) {
        return new Member(nodeId, endpoint, newRole, joinedVersion, incarnation);
    }
}
