package io.kommander.internal.partition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The configuration a replica's fresh log starts from: this node and its configured peers; the voters of a partition
 * it joins (without it, so it never campaigns before its leader's configuration makes it a voter); or, for a
 * partition created online, the first voters recorded in partition 0's log, the same on every replica.
 */
final class FirstConfiguration {

    private FirstConfiguration() {
    }

    /** This node and its configured peers, all voters. */
    static Configuration of(String self, List<String> peers) {
        List<String> voters = new ArrayList<>(peers);
        voters.add(self);
        return Configuration.ofVoters(voters);
    }

    /**
     * The voters of a partition {@code self} joins.
     *
     * @throws IllegalArgumentException if {@code self} is one of them
     */
    static Configuration joining(String self, Collection<String> voters) {
        if (voters.contains(self)) {
            throw new IllegalArgumentException(self + " joins a configuration it is already a voter of: " + voters);
        }
        return Configuration.ofVoters(voters);
    }

    /**
     * A partition created online: {@code firstVoters}, or, for a replica that {@code joins}, the same voters without
     * itself, so it counts what the others count.
     *
     * @throws IllegalArgumentException if it does not join and is not one of {@code firstVoters}
     */
    static Configuration created(int partition, String self, Collection<String> firstVoters, boolean joins) {
        if (joins) {
            return joining(self, firstVoters.stream().filter(v -> !v.equals(self)).toList());
        }
        if (!firstVoters.contains(self)) {
            throw new IllegalArgumentException(self + " is not a first voter of partition " + partition + ": "
                    + firstVoters);
        }
        return Configuration.ofVoters(firstVoters);
    }
}
