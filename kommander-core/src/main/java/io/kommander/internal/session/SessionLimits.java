package io.kommander.internal.session;

/**
 * The bounds of a partition's client sessions. They define the replicated state, so every replica of a partition
 * must use the same ones.
 *
 * @param maxSessions       sessions kept per partition; opening one more evicts the least recently active
 * @param resultsPerSession results of recent requests kept per session, to answer their retries
 * @param ttlMillis         log time (the entries' hybrid time) a session may go without a request before it
 *                          expires
 */
public record SessionLimits(int maxSessions, int resultsPerSession, long ttlMillis) {

    /**
     * Canonical constructor.
     *
     * @throws IllegalArgumentException if a bound is below 1
     */
    public SessionLimits {
        if (maxSessions < 1 || resultsPerSession < 1 || ttlMillis < 1) {
            throw new IllegalArgumentException("session limits must be >= 1: " + maxSessions + " sessions, "
                    + resultsPerSession + " results, ttl " + ttlMillis + " ms");
        }
    }
}
