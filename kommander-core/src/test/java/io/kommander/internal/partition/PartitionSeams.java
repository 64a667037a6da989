package io.kommander.internal.partition;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The partition package's test seams, public so that tests in other packages (the simulator) reach what main keeps
 * package-private: planting known bugs (named by {@link PlantedBug}) and reading a partition's state machine. It ships
 * only in the test-jar, so production code cannot call it.
 */
public final class PartitionSeams {

    private PartitionSeams() {
    }

    /** Switches {@code bug} on in the partition's state machine, now and after every restore. */
    public static void plant(RaftPartition partition, PlantedBug bug) {
        partition.plant(bug);
    }

    /** Runs a read-only query against the partition's state machine on its executor. */
    public static <T> CompletableFuture<T> inspect(RaftPartition partition,
                                                   Function<RaftPartitionStateMachine, T> query) {
        return partition.inspect(query);
    }
}
