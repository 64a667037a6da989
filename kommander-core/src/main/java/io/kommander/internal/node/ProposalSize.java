package io.kommander.internal.node;

import io.kommander.RaftConfiguration;
import io.kommander.wal.LogEntry;

import java.util.List;

/** The size rule of {@code replicateLogs}: checked before anything is queued, so a refusal costs nothing. */
final class ProposalSize {

    private ProposalSize() {
    }

    /**
     * Whether every entry is within {@code maxEntryBytes} and all of them together within
     * {@code maxProposalBytes}, each counted by {@link LogEntry#contentBytes}.
     */
    static boolean fits(RaftConfiguration configuration, String type, List<byte[]> payloads) {
        long total = 0;
        for (byte[] payload : payloads) {
            long size = LogEntry.contentBytes(type, payload);
            if (size > configuration.maxEntryBytes()) {
                return false;
            }
            total += size;
        }
        return total <= configuration.maxProposalBytes();
    }
}
