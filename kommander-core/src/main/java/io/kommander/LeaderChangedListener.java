package io.kommander;

/** Told when a partition's known leader changes. Runs on the partition's executor; must not block. */
@FunctionalInterface
public interface LeaderChangedListener {
    /**
     * @param partition the partition
     * @param leader    the new leader's endpoint ({@code host:port}), or null while no leader is known
     */
    void onLeaderChanged(int partition, String leader);
}
