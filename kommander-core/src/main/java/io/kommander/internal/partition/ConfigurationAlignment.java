package io.kommander.internal.partition;

import java.util.Set;

/**
 * The next step that moves a partition's configuration toward a target (the roster's voters and learners, or a
 * placed partition's replicas), one member at a time: add a missing member as a learner, promote a learner the target
 * makes a voter, take out a member the target no longer has; when the member to take out is the leader itself, it
 * hands leadership over first ({@link Step#transferAway()}).
 *
 * <p>Room first: a member is added only while the configuration holds at most as many members as the target, so it
 * never holds more than the target + 1 (R + 1 for a placed partition), even when the target changes again before the
 * previous move ended (a second move of the same partition, a co-location that replaces several replicas). A
 * configuration that is full takes out a member the target does not have before it adds one: a learner first, else
 * a voter other than the leader, but only while the voters left are at least the target's voters (a move never thins
 * the partition); else it promotes a learner the target makes a voter, one of which then exists. A pure function:
 * the node's reconciler and the simulator's heal phase both use it.
 */
public final class ConfigurationAlignment {

    /**
     * One step.
     *
     * @param change       the configuration change to make, or null
     * @param transferAway whether the leader must first hand leadership to another voter (it is leaving)
     */
    public record Step(ConfigurationChange change, boolean transferAway) {
    }

    private ConfigurationAlignment() {
    }

    /**
     * The next step from {@code current} toward {@code voters} + {@code learners}, as seen by {@code leader}; null
     * when they agree (a target learner that already votes stays a voter: demotion is not a step).
     */
    public static Step next(Configuration current, Set<String> voters, Set<String> learners, String leader) {
        String missing = missing(current, voters, learners);
        if (missing != null) {
            if (size(current) <= voters.size() + learners.size()) {
                return change(ConfigurationChange.Kind.ADD_LEARNER, missing);
            }
            Step room = makeRoom(current, voters, learners, leader);
            if (room != null) {
                return room;
            }
        }
        for (String member : voters) {
            if (current.learners().contains(member)) {
                return change(ConfigurationChange.Kind.PROMOTE, member);
            }
        }
        for (String member : current.othersThan("")) {
            if (!voters.contains(member) && !learners.contains(member)) {
                return member.equals(leader) ? new Step(null, true) : change(ConfigurationChange.Kind.REMOVE, member);
            }
        }
        return null;
    }

    /**
     * The first member {@code voters} + {@code learners} has and {@code current} does not (a voter first), or null:
     * the member the next addition brings in.
     */
    public static String missing(Configuration current, Set<String> voters, Set<String> learners) {
        for (String member : voters) {
            if (!current.contains(member)) {
                return member;
            }
        }
        for (String member : learners) {
            if (!current.contains(member)) {
                return member;
            }
        }
        return null;
    }

    /**
     * A full configuration's removal that makes room for the missing member, or null if only a promotion may come
     * first. Full means more members than the target, with a member missing, so at least two members the target
     * does not have: if both vote, one of them is not the leader; if voters may not go (no more than the target's
     * voters), a learner that is no extra is one the target makes a voter (the learners outnumber the target's).
     */
    private static Step makeRoom(Configuration current, Set<String> voters, Set<String> learners, String leader) {
        for (String member : current.learners()) {
            if (!voters.contains(member) && !learners.contains(member)) {
                return change(ConfigurationChange.Kind.REMOVE, member);
            }
        }
        if (current.voters().size() - 1 < voters.size()) {
            return null;
        }
        for (String member : current.voters()) {
            if (!member.equals(leader) && !voters.contains(member) && !learners.contains(member)) {
                return change(ConfigurationChange.Kind.REMOVE, member);
            }
        }
        return null;
    }

    private static int size(Configuration configuration) {
        return configuration.voters().size() + configuration.learners().size();
    }

    private static Step change(ConfigurationChange.Kind kind, String member) {
        return new Step(new ConfigurationChange(kind, member), false);
    }
}
