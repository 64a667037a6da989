package io.kommander.bench.system;

import java.util.BitSet;

/**
 * What one node delivered for one partition: the entry ids (see {@link Payloads}), their count and an
 * order-sensitive digest, so two nodes that delivered the same sequence have the same count and digest.
 *
 * <p>Thread-safe: every method synchronizes on the ledger. Each system delivers a partition's entries from one
 * thread at a time, so the lock is uncontended on the hot path.
 */
public final class PartitionLedger {

    private static final long FNV_PRIME = 0x100000001B3L;
    private static final long FNV_OFFSET = 0xCBF29CE484222325L;

    private final BitSet ids;
    private long count;
    private long digest;

    /** An empty ledger. */
    public PartitionLedger() {
        this(new BitSet(), 0, FNV_OFFSET);
    }

    /**
     * A ledger with the given state (a copy received from another process).
     *
     * @param ids    the delivered ids (kept, not copied)
     * @param count  entries delivered, duplicates included
     * @param digest the order-sensitive digest of the delivered ids
     */
    public PartitionLedger(BitSet ids, long count, long digest) {
        this.ids = ids;
        this.count = count;
        this.digest = digest;
    }

    /** A consistent copy of this ledger's state. */
    public synchronized PartitionLedger copy() {
        return new PartitionLedger((BitSet) ids.clone(), count, digest);
    }

    /** Records the delivery of the entry with the given id. */
    public synchronized void record(long id) {
        ids.set(Math.toIntExact(id));
        count++;
        digest = (digest ^ id) * FNV_PRIME;
    }

    /** Forgets everything (a node restarts and replays its log). */
    public synchronized void reset() {
        ids.clear();
        count = 0;
        digest = FNV_OFFSET;
    }

    /** Entries delivered, duplicates included. */
    public synchronized long count() {
        return count;
    }

    /** The order-sensitive digest of the delivered ids. */
    public synchronized long digest() {
        return digest;
    }

    /** A copy of the delivered ids. */
    public synchronized BitSet ids() {
        return (BitSet) ids.clone();
    }

    /** Whether every id in {@code expected} was delivered. */
    public synchronized boolean containsAll(BitSet expected) {
        BitSet missing = (BitSet) expected.clone();
        missing.andNot(ids);
        return missing.isEmpty();
    }

    /** How many ids in {@code expected} were not delivered. */
    public synchronized int missing(BitSet expected) {
        BitSet missing = (BitSet) expected.clone();
        missing.andNot(ids);
        return missing.cardinality();
    }
}
