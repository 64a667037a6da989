package io.kommander;

import java.util.List;
import java.util.Optional;

/**
 * The cluster's roster as a node knows it: every member and its role, and the version, a counter that grows by one
 * with every committed roster change. Kept on the system partition, so every node sees the same versions in the
 * same order ({@link IRaft#onMembershipChanged}). Immutable.
 *
 * @param version the membership version; 0 before the first roster is known
 * @param members the members, sorted by endpoint
 */
public record Membership(long version, List<Member> members) {

    /** The membership of a node that knows no roster yet. */
    public static final Membership UNKNOWN = new Membership(0, List.of());

    /** Canonical constructor; copies the list. */
    public Membership {
        members = List.copyOf(members);
    }

    /** The member at {@code endpoint}, if any. */
    public Optional<Member> member(String endpoint) {
        return members.stream().filter(m -> m.endpoint().equals(endpoint)).findFirst();
    }

    /** The endpoints of the members whose role is {@code role}, sorted. */
    public List<String> endpoints(Member.Role role) {
        return members.stream().filter(m -> m.role() == role).map(Member::endpoint).toList();
    }
}
