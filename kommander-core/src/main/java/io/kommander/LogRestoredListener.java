package io.kommander;

/**
 * Receives each committed entry the application may have received before this node restarted (see
 * {@link IRaft#onLogRestored}); apply it as any delivered entry. Runs on the partition's executor; must not block.
 */
@FunctionalInterface
public interface LogRestoredListener {
    /** Handles one restored entry. */
    void onLogRestored(int partition, RaftLog log);
}
