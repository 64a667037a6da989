package io.kommander.internal.partition;

import io.kommander.PartitionStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@link PartitionStatus} off a partition's state machine. Runs on the partition's executor, the machine's
 * owner.
 */
final class PartitionStatusView {

    private PartitionStatusView() {
    }

    /** The status of a running partition; {@code machine} is null before the restore began. */
    static PartitionStatus of(int partition, RaftPartitionStateMachine machine) {
        if (machine == null) {
            return new PartitionStatus(partition, PartitionStatus.State.RESTORING, 0, null, 0, 0, 0, List.of(),
                    null, List.of(), List.of());
        }
        PartitionStatus.State state = machine.restored() ? switch (machine.role()) {
            case FOLLOWER -> PartitionStatus.State.FOLLOWER;
            case PRE_CANDIDATE -> PartitionStatus.State.PRE_CANDIDATE;
            case CANDIDATE -> PartitionStatus.State.CANDIDATE;
            case LEADER -> PartitionStatus.State.LEADER;
        } : PartitionStatus.State.RESTORING;
        List<PartitionStatus.FollowerStatus> followers = new ArrayList<>();
        for (Map.Entry<String, Long> match : machine.followerMatchIndices().entrySet()) {
            followers.add(new PartitionStatus.FollowerStatus(match.getKey(), match.getValue(),
                    machine.lastIndex() - match.getValue()));
        }
        Configuration configuration = machine.configuration();
        return new PartitionStatus(partition, state, machine.term(), machine.leader(), machine.commitIndex(),
                machine.appliedIndex(), machine.lastIndex(), followers, null, List.copyOf(configuration.voters()),
                List.copyOf(configuration.learners()));
    }

    /**
     * The status of a partition stopped by {@code cause}: its indices as they were (the machine, whatever state it
     * is in, is no longer driven), no leader and no followers.
     */
    static PartitionStatus failed(int partition, RaftPartitionStateMachine machine, Throwable cause) {
        String failure = String.valueOf(cause);
        if (machine == null) {
            return new PartitionStatus(partition, PartitionStatus.State.FAILED, 0, null, 0, 0, 0, List.of(), failure,
                    List.of(), List.of());
        }
        return new PartitionStatus(partition, PartitionStatus.State.FAILED, machine.term(), null,
                machine.commitIndex(), machine.appliedIndex(), machine.lastIndex(), List.of(), failure,
                List.copyOf(machine.configuration().voters()), List.copyOf(machine.configuration().learners()));
    }
}
