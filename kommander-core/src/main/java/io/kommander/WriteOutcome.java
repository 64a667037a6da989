package io.kommander;

/**
 * What a write's answer says about its entries: whether they can still commit. Every
 * {@link RaftOperationStatus} has one ({@link RaftOperationStatus#writeOutcome()}), so a caller knows whether a
 * retry could write the same thing twice.
 */
public enum WriteOutcome {
    /** The write committed (and was applied on the node that answered). */
    COMMITTED,
    /** The write was refused before anything was appended: it will never commit, and a retry cannot duplicate it. */
    NOT_APPENDED,
    /**
     * The entries may have been appended and may still commit, later and under another leader. A blind retry may
     * write them twice: make the write idempotent, or find out first (for example read after
     * {@link IRaft#confirmLeadership}); a manual proposal can be committed or rolled back by the ticket the
     * result carries.
     */
    UNKNOWN
}
