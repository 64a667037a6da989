package io.kommander;

/**
 * Receives, during a restart's restore, each entry the application already received before the restart. Runs on
 * the partition's executor; must not block.
 */
@FunctionalInterface
public interface LogRestoredListener {
    /** Handles one restored entry. */
    void onLogRestored(int partition, RaftLog log);
}
