package io.kommander.internal.transport;

import io.kommander.RaftConfiguration;
import io.kommander.RaftConfigurationException;
import io.kommander.transport.IRaftTransport;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.RaftMessage;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.transport.TransportBinding;
import io.kommander.wal.LogEntry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameBudgetTest {

    /** A transport that carries batches of up to {@code max} estimated bytes and nothing else. */
    private record Limited(long max) implements IRaftTransport {
        @Override
        public void start(TransportBinding binding) {
        }

        @Override
        public void send(String endpoint, MessageBatch batch) {
        }

        @Override
        public long maxBatchBytes() {
            return max;
        }

        @Override
        public void close() {
        }
    }

    private static final FrameBudget BUDGET = FrameBudget.of(new Limited(64 * 1024));

    @Test
    void theLargestEntryLeavesRoomForTheAppendAndEntryHeaders() {
        long largest = 64 * 1024 - AppendLogs.HEADER_BYTES - LogEntry.OVERHEAD_BYTES;
        assertThat(BUDGET.maxEntryBytes()).isEqualTo(largest);
        RaftConfiguration fits = RaftConfiguration.builder().maxEntryBytes((int) largest).build();
        assertThat(BUDGET.fit(fits).maxEntryBytes()).isEqualTo(largest);
    }

    @Test
    void aConfigurationWhoseLargestEntryCannotCrossTheTransportIsRefusedNamingTheLimit() {
        RaftConfiguration tooLarge = RaftConfiguration.builder().maxEntryBytes((int) BUDGET.maxEntryBytes() + 1)
                .build();
        assertThatThrownBy(() -> BUDGET.fit(tooLarge)).isInstanceOf(RaftConfigurationException.class)
                .hasMessageContaining("maxEntryBytes").hasMessageContaining(String.valueOf(BUDGET.maxEntryBytes()))
                .hasMessageContaining("Limited").hasMessageContaining("65536")
                .extracting(e -> ((RaftConfigurationException) e).field()).isEqualTo("maxEntryBytes");
    }

    @Test
    void appendsAreCappedAtWhatOneBatchHolds() {
        RaftConfiguration configured = RaftConfiguration.builder().maxEntryBytes(1024).maxBytesPerAppend(1 << 20)
                .build();
        RaftConfiguration fitted = BUDGET.fit(configured);
        assertThat(fitted.maxBytesPerAppend()).isEqualTo(64 * 1024 - AppendLogs.HEADER_BYTES);
        assertThat(fitted.snapshotChunkBytes()).as("snapshot chunks too")
                .isEqualTo(64 * 1024 - RaftMessage.InstallSnapshot.HEADER_BYTES);
        assertThat(fitted).isEqualTo(configured.toBuilder().maxBytesPerAppend(fitted.maxBytesPerAppend())
                .snapshotChunkBytes(fitted.snapshotChunkBytes()).build());

        RaftConfiguration small = RaftConfiguration.builder().maxEntryBytes(1024).maxBytesPerAppend(4096)
                .snapshotChunkBytes(4096).build();
        assertThat(BUDGET.fit(small)).isSameAs(small);
    }
}
