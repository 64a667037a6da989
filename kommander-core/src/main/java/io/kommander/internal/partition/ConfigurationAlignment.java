package io.kommander.internal.partition;

import java.util.Set;

/**
 * The next step that moves a partition's configuration toward a target (the roster's voters and learners), one
 * member at a time: first add a missing member as a learner, then promote a learner the target makes a voter, then
 * take out a member the target no longer has; when the member to take out is the leader itself, it hands
 * leadership over first ({@link Step#transferAway()}). A pure function: the node's reconciler and the simulator's
 * heal phase both use it.
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
        for (String member : voters) {
            if (!current.contains(member)) {
                return new Step(new ConfigurationChange(ConfigurationChange.Kind.ADD_LEARNER, member), false);
            }
        }
        for (String member : learners) {
            if (!current.contains(member)) {
                return new Step(new ConfigurationChange(ConfigurationChange.Kind.ADD_LEARNER, member), false);
            }
        }
        for (String member : voters) {
            if (!current.isVoter(member)) {
                return new Step(new ConfigurationChange(ConfigurationChange.Kind.PROMOTE, member), false);
            }
        }
        for (String member : current.othersThan("")) {
            if (!voters.contains(member) && !learners.contains(member)) {
                return member.equals(leader) ? new Step(null, true)
                        : new Step(new ConfigurationChange(ConfigurationChange.Kind.REMOVE, member), false);
            }
        }
        return null;
    }
}
