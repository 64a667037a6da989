package io.kommander.internal.partition;

import java.util.Objects;

/**
 * One change of a partition's configuration, one member at a time.
 *
 * @param kind   what happens to the member
 * @param member the member's endpoint
 */
public record ConfigurationChange(Kind kind, String member) {

    /** What a change does. */
    public enum Kind {
        /** Adds a new member as a learner: it receives the log and does not vote. */
        ADD_LEARNER,
        /** Makes a learner that holds everything committed a voter. */
        PROMOTE,
        /** Removes a voter or a learner. */
        REMOVE
    }

    /**
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the member is empty
     */
    public ConfigurationChange {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(member, "member");
        if (member.isEmpty()) {
            throw new IllegalArgumentException("a configuration change names a member");
        }
    }
}
