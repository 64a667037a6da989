package io.kommander.wal;

/**
 * An (index, term) pair: the identity of a log entry, or of the point a log was compacted to.
 *
 * @param index the entry's index (0 for the empty log)
 * @param term  the entry's term (0 for the empty log)
 */
public record LogPosition(long index, long term) {
    /** The position before the first entry of a never-compacted log. */
    public static final LogPosition ZERO = new LogPosition(0, 0);
}
