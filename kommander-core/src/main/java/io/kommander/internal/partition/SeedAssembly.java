package io.kommander.internal.partition;

import java.io.ByteArrayOutputStream;

/**
 * Puts one move's seed together from its chunks ({@link SeedEntry}), in the order a replica's log holds them, and
 * gives the whole state once, when the last chunk of a sequence arrives. The rule, the same on every replica and on
 * every replay of the log, so that each absorbs the same one complete sequence and never a mix of two:
 * <ul>
 *   <li>chunk 0 starts a sequence, and supersedes one under way (a leader that took over half-way, or an attempt
 *       retried, starts its own sequence from chunk 0 rather than continuing another's);</li>
 *   <li>any other chunk must be the next of the sequence under way (same move, sequence and count); else it is
 *       refused with a clear error and the sequence under way is kept as it was.</li>
 * </ul>
 *
 * <p>Not thread-safe: owned by the taking partition's executor (or by one reader of its log).
 */
public final class SeedAssembly {

    private final boolean keepBytes;
    /** The first chunk of the sequence under way, or null if none is. */
    private SeedEntry first;
    private int next;
    private ByteArrayOutputStream state;

    /** @param keepBytes whether to keep the chunks' bytes (false: only tell which sequences complete) */
    public SeedAssembly(boolean keepBytes) {
        this.keepBytes = keepBytes;
    }

    /**
     * Takes the next chunk of the log.
     *
     * @return the whole state if {@code chunk} completes its sequence (empty if bytes are not kept), else null
     * @throws IllegalArgumentException if {@code chunk} is not chunk 0 and not the next chunk of the sequence under
     *                                  way (out of order, or of another sequence); nothing changes then
     */
    public byte[] accept(SeedEntry chunk) {
        if (chunk.number() == 0) {
            first = chunk;
            next = 0;
            state = keepBytes ? new ByteArrayOutputStream() : null;
        } else if (first == null) {
            throw new IllegalArgumentException("seed chunk " + chunk.number() + " of sequence " + chunk.sequence()
                    + " from partition " + chunk.source() + " follows no chunk 0: no sequence is under way");
        } else if (!first.sameSequence(chunk) || chunk.number() != next) {
            throw new IllegalArgumentException("seed chunk " + chunk.number() + " of " + chunk.count()
                    + " of sequence " + chunk.sequence() + " from partition " + chunk.source() + " (move entry "
                    + chunk.sourceIndex() + ") is not the next of the sequence under way: chunk " + next + " of "
                    + first.count() + " of sequence " + first.sequence() + " from partition " + first.source()
                    + " (move entry " + first.sourceIndex() + ")");
        }
        if (state != null) {
            state.writeBytes(chunk.bytes());
        }
        next++;
        if (!chunk.last()) {
            return null;
        }
        byte[] whole = state == null ? new byte[0] : state.toByteArray();
        first = null;
        state = null;
        next = 0;
        return whole;
    }

    /** Whether a sequence is under way: its chunk 0 came, its last has not. */
    public boolean underWay() {
        return first != null;
    }
}
