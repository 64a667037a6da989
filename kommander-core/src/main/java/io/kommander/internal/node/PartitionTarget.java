package io.kommander.internal.node;

import io.kommander.Member;
import io.kommander.PartitionDescriptor;
import io.kommander.internal.system.Roster;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The members a partition's configuration should hold, as its leader's reconciler moves it: the roster's voters and
 * learners for partition 0 and for a partition hosted by every member (empty replicas); for a placed partition, its
 * replicas, each with the role the roster gives it. A replica that is leaving the cluster stays a voter while the
 * map still places the partition on it, so its replacement comes in (learner, caught up, promoted) before it goes.
 *
 * @param voters   the members that should vote
 * @param learners the members that should follow without voting
 */
record PartitionTarget(Set<String> voters, Set<String> learners) {

    /** The target of {@code partition} (null: partition 0, or one the map does not know yet) under {@code roster}. */
    static PartitionTarget of(Roster roster, PartitionDescriptor partition) {
        List<String> replicas = partition == null ? List.of() : partition.replicas();
        Set<String> learners = new TreeSet<>();
        for (Member member : roster.members().values()) {
            if (member.role() == Member.Role.LEARNER
                    && (replicas.isEmpty() || replicas.contains(member.endpoint()))) {
                learners.add(member.endpoint());
            }
        }
        return new PartitionTarget(roster.votersOf(replicas), learners);
    }
}
