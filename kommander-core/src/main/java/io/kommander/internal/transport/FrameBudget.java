package io.kommander.internal.transport;

import io.kommander.RaftConfiguration;
import io.kommander.RaftConfigurationException;
import io.kommander.transport.IRaftTransport;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.transport.RaftMessage.InstallSnapshot;
import io.kommander.wal.LogEntry;

/**
 * The limits a node builds messages to, derived from the largest batch its transport carries
 * ({@link IRaftTransport#maxBatchBytes()}), so that the two can never disagree: the largest entry a configuration
 * may allow is one that fits alone in an AppendLogs in one batch, and every AppendLogs stops adding entries before
 * it outgrows a batch. Both bounds count {@link io.kommander.transport.RaftMessage#sizeEstimate()}, which bounds
 * the encoded size from above.
 *
 * <p>Immutable and thread-safe.
 */
public final class FrameBudget {

    private final String transport;
    private final long maxBatchBytes;

    private FrameBudget(String transport, long maxBatchBytes) {
        this.transport = transport;
        this.maxBatchBytes = maxBatchBytes;
    }

    /** The budget of {@code transport}'s batches. */
    public static FrameBudget of(IRaftTransport transport) {
        return new FrameBudget(transport.getClass().getSimpleName(), transport.maxBatchBytes());
    }

    /** The largest entry, by {@link LogEntry#contentBytes}, that fits alone in one AppendLogs in one batch. */
    public long maxEntryBytes() {
        return maxBatchBytes - AppendLogs.HEADER_BYTES - LogEntry.OVERHEAD_BYTES;
    }

    /** The largest sum of entry estimates one AppendLogs may carry to fit in one batch. */
    public long maxAppendBytes() {
        return maxBatchBytes - AppendLogs.HEADER_BYTES;
    }

    /**
     * The configuration a node of this transport runs with: {@code maxBytesPerAppend} capped at
     * {@link #maxAppendBytes()} and {@code snapshotChunkBytes} at what fits in one InstallSnapshot in one batch,
     * everything else as given.
     *
     * @throws RaftConfigurationException if {@code maxEntryBytes} is larger than {@link #maxEntryBytes()}
     */
    public RaftConfiguration fit(RaftConfiguration configuration) {
        if (configuration.maxEntryBytes() > maxEntryBytes()) {
            throw new RaftConfigurationException("maxEntryBytes", "must be <= " + maxEntryBytes()
                    + ", the largest entry that fits with its headers (" + (AppendLogs.HEADER_BYTES
                    + LogEntry.OVERHEAD_BYTES) + " bytes) in one batch of the " + transport + " (" + maxBatchBytes
                    + " bytes), was " + configuration.maxEntryBytes());
        }
        long maxChunk = maxBatchBytes - InstallSnapshot.HEADER_BYTES;
        if (configuration.maxBytesPerAppend() <= maxAppendBytes() && configuration.snapshotChunkBytes() <= maxChunk) {
            return configuration;
        }
        return configuration.toBuilder()
                .maxBytesPerAppend((int) Math.min(configuration.maxBytesPerAppend(), maxAppendBytes()))
                .snapshotChunkBytes((int) Math.min(configuration.snapshotChunkBytes(), maxChunk)).build();
    }
}
