package io.kommander;

/**
 * What a delivered {@link RaftLog} means to the application. Derived on delivery from the immutable log: manual
 * commit and rollback are separate log entries that reference a proposal's ticket, never rewrites of it.
 */
public enum RaftLogType {
    /** An entry replicated with {@code autoCommit=false}; it waits for a commit or rollback entry. */
    Proposed,
    /** Committed data: either replicated with {@code autoCommit=true}, or the commit of a proposed ticket. */
    Committed,
    /** A checkpoint proposed but not yet committed (reserved for manual checkpoints). */
    ProposedCheckpoint,
    /** A committed checkpoint: the application has made everything before it durable; older entries may be compacted. */
    CommittedCheckpoint,
    /** The rollback of a proposed ticket. */
    RolledBack,
    /** The rollback of a proposed checkpoint (reserved for manual checkpoints). */
    RolledBackCheckpoint
}
