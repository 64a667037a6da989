package io.kommander.wal;

/**
 * What a log entry is, as stored. The application-facing {@link io.kommander.RaftLogType} is derived from it on
 * delivery. Codes are part of every on-disk and on-wire format: never renumber them.
 */
public enum EntryKind {
    /** Application data replicated with {@code autoCommit=true}: delivered as Committed. */
    DATA(1),
    /** Application data replicated with {@code autoCommit=false}: delivered as Proposed. */
    PROPOSED(2),
    /** Commits the proposal whose ticket is the entry's time. */
    COMMIT(3),
    /** Rolls back the proposal whose ticket is the entry's time. */
    ROLLBACK(4),
    /** A checkpoint marker: entries at or below it may be compacted. */
    CHECKPOINT(5),
    /** The no-op a new leader appends before it serves; never delivered. */
    BARRIER(6),
    /** A system-partition command (partition ranges, membership); handled by the system coordinator. */
    SYSTEM(7),
    /**
     * A change of the partition's voting configuration (its voters and learners); in effect on each replica from
     * the moment it is appended, never delivered.
     */
    CONFIGURATION(8);

    private static final EntryKind[] BY_CODE = new EntryKind[9];

    static {
        for (EntryKind kind : values()) {
            BY_CODE[kind.code] = kind;
        }
    }

    private final int code;

    EntryKind(int code) {
        this.code = code;
    }

    /** The stable numeric code of this kind. */
    public int code() {
        return code;
    }

    /**
     * Returns the kind with the given code.
     *
     * @throws IllegalArgumentException if no kind has that code
     */
    public static EntryKind ofCode(int code) {
        EntryKind kind = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (kind == null) {
            throw new IllegalArgumentException("unknown entry kind code " + code);
        }
        return kind;
    }
}
