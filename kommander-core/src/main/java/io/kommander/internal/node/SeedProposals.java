package io.kommander.internal.node;

import io.kommander.internal.partition.SeedEntry;
import io.kommander.wal.LogEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Cuts a move's seed (the moved keys' state) into the proposals that append it to the taking partition: one new
 * sequence of chunks, each entry within {@code maxEntryBytes} ({@link SeedEntry#chunks}), grouped in order into
 * proposals within {@code maxProposalBytes} (one chunk at least each), which the taking partition's leader appends
 * one after the other.
 *
 * <p>Thread-safe.
 */
final class SeedProposals {

    private final int maxEntryBytes;
    private final int maxProposalBytes;
    /** Draws each attempt's sequence: distinct, so that no two attempts' chunks can pass for one sequence. */
    private final RandomGenerator sequences;

    /**
     * @param maxEntryBytes    the node's largest entry ({@code RaftConfiguration.maxEntryBytes})
     * @param maxProposalBytes the node's largest proposal ({@code RaftConfiguration.maxProposalBytes})
     * @param sequences        a random source owned by this instance
     */
    SeedProposals(int maxEntryBytes, int maxProposalBytes, RandomGenerator sequences) {
        this.maxEntryBytes = maxEntryBytes;
        this.maxProposalBytes = maxProposalBytes;
        this.sequences = sequences;
    }

    /** The payloads of a new sequence of {@code state}'s chunks, in proposals to append in this order. */
    List<List<byte[]>> of(String type, int source, long sourceIndex, byte[] state) {
        long sequence;
        synchronized (sequences) {
            sequence = sequences.nextLong();
        }
        List<List<byte[]>> proposals = new ArrayList<>();
        List<byte[]> proposal = new ArrayList<>();
        long bytes = 0;
        for (SeedEntry chunk : SeedEntry.chunks(type, source, sourceIndex, sequence, state, maxEntryBytes)) {
            byte[] payload = chunk.encode();
            long size = LogEntry.contentBytes(type, payload);
            if (!proposal.isEmpty() && bytes + size > maxProposalBytes) {
                proposals.add(proposal);
                proposal = new ArrayList<>();
                bytes = 0;
            }
            proposal.add(payload);
            bytes += size;
        }
        proposals.add(proposal);
        return proposals;
    }
}
