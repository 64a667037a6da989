package io.kommander.internal.system;

import io.kommander.Member;
import io.kommander.Member.Role;
import io.kommander.Membership;
import io.kommander.RaftOperationStatus;

import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cluster's roster, a pure function of the system partition's log: every member with its role, and a version
 * that grows by one with each change. {@link #decide} is the one rule book, used both by partition 0's leader before
 * it proposes a command (to answer the caller) and by every node when it applies one (so that a command that became
 * invalid meanwhile changes nothing, alike everywhere).
 *
 * <p>A member that reports another incarnation than the roster holds lost its data and comes back as a
 * {@link Role#LEARNER}, promoted like a joining node once caught up.
 *
 * <p>One membership change at a time: while a member is {@link Role#LEARNER} (joining) or {@link Role#LEAVING},
 * only that member's own next step ({@code PROMOTE}, or {@code REMOVE}) is taken; any other join or leave is refused
 * with {@link RaftOperationStatus#MembershipChangeInProgress}, never merged. Immutable.
 *
 * @param version the membership version
 * @param members the members by endpoint
 */
public record Roster(long version, SortedMap<String, Member> members) {

    /** The outcome of a command: a status and the roster after it (the same roster when refused or a no-op). */
    public record Decision(RaftOperationStatus status, Roster roster) {
        /** Whether the command was accepted (possibly as a no-op). */
        public boolean accepted() {
            return status == RaftOperationStatus.Success;
        }
    }

    /** Canonical constructor; copies the map. */
    public Roster {
        members = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(members));
    }

    /** The roster a first {@link RosterCommand.Kind#BOOTSTRAP} creates. */
    static Roster first(RosterCommand bootstrap) {
        SortedMap<String, Member> members = new TreeMap<>();
        bootstrap.members().forEach(m -> members.put(m.endpoint(), m));
        return new Roster(1, members);
    }

    /** The member at {@code endpoint}, or null. */
    public Member member(String endpoint) {
        return members.get(endpoint);
    }

    /** Whether {@code endpoint} is in the roster, whatever its role. */
    public boolean contains(String endpoint) {
        return members.containsKey(endpoint);
    }

    /** The endpoints of the members in {@code role}, sorted (every node walks them in the same order). */
    public SortedSet<String> endpoints(Role role) {
        SortedSet<String> endpoints = new TreeSet<>();
        members.values().stream().filter(m -> m.role() == role).forEach(m -> endpoints.add(m.endpoint()));
        return endpoints;
    }

    /**
     * The members that vote in a partition placed on {@code replicas}: the roster's voters for one on every member
     * (empty replicas); for a placed one, its replicas that are voters or leaving members of the roster (a leaving
     * replica votes while the map still places the partition on it, so that its replacement comes in before it goes).
     * Sorted, so every node walks them in the same order.
     */
    public SortedSet<String> votersOf(List<String> replicas) {
        if (replicas.isEmpty()) {
            return endpoints(Role.VOTER);
        }
        SortedSet<String> voters = new TreeSet<>();
        for (String replica : replicas) {
            Member member = members.get(replica);
            if (member != null && (member.role() == Role.VOTER || member.role() == Role.LEAVING)) {
                voters.add(replica);
            }
        }
        return voters;
    }

    /** The member whose change is in flight (a learner or a leaving member), or null. */
    public Member changing() {
        return members.values().stream().filter(m -> m.role() != Role.VOTER).findFirst().orElse(null);
    }

    /**
     * The roster's rule that no change may leave fewer voters than a quorum can survive: whether, without
     * {@code endpoint}, a majority of the remaining voters are in {@code current} (the members that hold everything
     * committed and answer, as partition 0's leader sees them). Removing a member that does not vote never loses a
     * quorum.
     */
    public boolean survivesWithout(String endpoint, Set<String> current) {
        Member member = members.get(endpoint);
        if (member == null || member.role() == Role.LEARNER) {
            return true;
        }
        List<String> remaining = members.values().stream()
                .filter(m -> m.role() == Role.VOTER && !m.endpoint().equals(endpoint)).map(Member::endpoint).toList();
        long caughtUp = remaining.stream().filter(current::contains).count();
        return caughtUp > remaining.size() / 2;
    }

    /** The public view of this roster. */
    public Membership membership() {
        return new Membership(version, members.values().stream().toList());
    }

    /**
     * Decides a command against this roster. A repeated command (a retry whose first attempt committed) is accepted
     * and changes nothing.
     */
    public Decision decide(RosterCommand command) {
        return decide(command, true);
    }

    /**
     * As {@link #decide(RosterCommand)}; {@code oneAtATime} false is a planted bug (a negative control of the
     * simulator's roster check): a join or leave is taken while another member is joining or leaving.
     */
    Decision decide(RosterCommand command, boolean oneAtATime) {
        String endpoint = command.endpoint();
        Member member = members.get(endpoint);
        Member changing = oneAtATime ? changing() : null;
        boolean otherChange = changing != null && !changing.endpoint().equals(endpoint);
        return switch (command.kind()) {
            case BOOTSTRAP -> same(RaftOperationStatus.Success);
            case JOIN -> {
                if (member != null) {
                    yield reincarnated(member, command, otherChange);
                }
                if (changing != null) {
                    yield same(RaftOperationStatus.MembershipChangeInProgress);
                }
                yield changed(endpoint, new Member(command.nodeId(), endpoint, Role.LEARNER, version + 1,
                        command.incarnation()));
            }
            case PROMOTE -> member == null ? same(RaftOperationStatus.NotAMember)
                    : member.role() == Role.VOTER ? same(RaftOperationStatus.Success)
                    : member.role() == Role.LEAVING ? same(RaftOperationStatus.MembershipChangeInProgress)
                    : changed(endpoint, member.withRole(Role.VOTER));
            case LEAVE -> {
                if (member == null) {
                    yield same(RaftOperationStatus.NotAMember);
                }
                if (member.role() == Role.LEAVING) {
                    yield same(RaftOperationStatus.Success);
                }
                if (otherChange) {
                    yield same(RaftOperationStatus.MembershipChangeInProgress);
                }
                long votersLeft = members.values().stream()
                        .filter(m -> m.role() == Role.VOTER && !m.endpoint().equals(endpoint)).count();
                if (member.role() == Role.VOTER && votersLeft < 1) {
                    yield same(RaftOperationStatus.TooFewVoters);
                }
                yield changed(endpoint, member.withRole(Role.LEAVING));
            }
            case REMOVE -> member == null ? same(RaftOperationStatus.Success)
                    : member.role() != Role.LEAVING ? same(RaftOperationStatus.MembershipChangeInProgress)
                    : removed(endpoint);
            case IDENTIFY -> member == null ? same(RaftOperationStatus.NotAMember)
                    : reincarnated(member, command, otherChange);
            case REFUSAL -> same(RaftOperationStatus.Success); // a report, not a change

        };
    }

    /**
     * A member reports its node id and incarnation (or asks to join again). The first report of a member the roster
     * did not know fully changes no role; a different incarnation than the roster holds means the member lost its
     * data (its folder was wiped): it comes back as a {@link Role#LEARNER}, a membership change like any other, and
     * votes again only once promoted.
     */
    private Decision reincarnated(Member member, RosterCommand command, boolean otherChange) {
        if (member.nodeId() == command.nodeId() && member.incarnation() == command.incarnation()) {
            return same(RaftOperationStatus.Success);
        }
        boolean lostData = member.incarnation() != 0 && command.incarnation() != member.incarnation();
        if (!lostData) {
            return changed(member.endpoint(), new Member(command.nodeId(), member.endpoint(), member.role(),
                    member.joinedVersion(), command.incarnation()));
        }
        if (otherChange) {
            return same(RaftOperationStatus.MembershipChangeInProgress);
        }
        Role role = member.role() == Role.VOTER ? Role.LEARNER : member.role();
        return changed(member.endpoint(), new Member(command.nodeId(), member.endpoint(), role,
                member.joinedVersion(), command.incarnation()));
    }

    private Decision same(RaftOperationStatus status) {
        return new Decision(status, this);
    }

    private Decision changed(String endpoint, Member member) {
        SortedMap<String, Member> next = new TreeMap<>(members);
        next.put(endpoint, member);
        return new Decision(RaftOperationStatus.Success, new Roster(version + 1, next));
    }

    private Decision removed(String endpoint) {
        SortedMap<String, Member> next = new TreeMap<>(members);
        next.remove(endpoint);
        return new Decision(RaftOperationStatus.Success, new Roster(version + 1, next));
    }
}
