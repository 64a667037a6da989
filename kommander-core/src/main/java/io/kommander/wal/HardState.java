package io.kommander.wal;

/**
 * The state a Raft node must never forget: its current term, whom it voted for in that term, and how far it
 * knows the log to be committed.
 *
 * @param term        the current term
 * @param votedFor    the endpoint voted for in {@code term}, or the empty string for none
 * @param commitIndex the highest index known committed (and so deliverable); written lazily, so a stored one may lag
 *                    what the node knew
 */
public record HardState(long term, String votedFor, long commitIndex) {

    /** The state of a node that has never run. */
    public static final HardState EMPTY = new HardState(0, "", 0);

    /** Canonical constructor; normalises a null vote to the empty string. */
    public HardState {
        votedFor = votedFor == null ? "" : votedFor;
        if (term < 0 || commitIndex < 0) {
            throw new IllegalArgumentException("term and commitIndex must be >= 0");
        }
    }
}
