package io.kommander;

/** Told of a partition-level event (restore started or finished). Runs on the partition's executor. */
@FunctionalInterface
public interface PartitionListener {
    /** @param partition the partition */
    void onEvent(int partition);
}
