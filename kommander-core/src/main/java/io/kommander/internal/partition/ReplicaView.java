package io.kommander.internal.partition;

/**
 * What a partition replica's state machine looked like when its executor last finished a batch of work, readable
 * from any thread without waiting (see {@link RaftPartition#view()}).
 *
 * @param leader                       whether it led
 * @param term                         its term
 * @param commitIndex                  its commit index
 * @param configuration                the configuration in effect (the latest in its log)
 * @param configurationIndex           the index of that configuration's entry (0: a fresh log's, which no entry
 *                                     holds); with {@code configurationChangesInFlight} 0, the configuration is
 *                                     committed at that index
 * @param configurationChangesInFlight configuration entries after the commit index
 * @param verified                     whether it may vote and campaign: its node lost no data, or it caught up since
 *                                     ({@link ReplicaVerification})
 * @param leaderCommit                 the highest commit index a leader has told this replica of (0 on a leader
 *                                     that never followed): with {@code commitIndex}, how far a learner lags
 * @param confirmed                    whether, since the replica was opened, it held a leader's log up to that
 *                                     leader's commit index ({@link ReplicaVerification#confirmedSinceOpened()}):
 *                                     its configuration is then one a current leader wrote, not one from before
 */
public record ReplicaView(boolean leader, long term, long commitIndex, Configuration configuration,
                          long configurationIndex, int configurationChangesInFlight, boolean verified,
                          long leaderCommit, boolean confirmed) {

    /** The view of a replica that has not restored yet, or stopped. */
    static final ReplicaView NONE = new ReplicaView(false, 0, 0, null, 0, 0, false, 0, false);

    /**
     * Whether this view still describes {@code machine}: checked after every drain, so that a new view is built only
     * when something it shows changed (the commit index, mostly), not on every batch of work.
     */
    boolean describes(RaftPartitionStateMachine machine, long leaderCommitSeen) {
        return leader == (machine.role() == RaftRole.LEADER) && term == machine.term()
                && commitIndex == machine.commitIndex() && configuration == machine.configuration()
                && configurationIndex == machine.configurationIndex()
                && configurationChangesInFlight == machine.configurationChangesInFlight()
                && verified == machine.verification().verified()
                && leaderCommit == leaderCommitSeen
                && confirmed == machine.verification().confirmedSinceOpened();
    }

    /** The view of {@code machine} now. */
    static ReplicaView of(RaftPartitionStateMachine machine, long leaderCommitSeen) {
        return new ReplicaView(machine.role() == RaftRole.LEADER, machine.term(), machine.commitIndex(),
                machine.configuration(), machine.configurationIndex(), machine.configurationChangesInFlight(),
                machine.verification().verified(),
                leaderCommitSeen, machine.verification().confirmedSinceOpened());
    }
}
