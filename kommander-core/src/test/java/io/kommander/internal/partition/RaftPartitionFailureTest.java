package io.kommander.internal.partition;

import io.kommander.PartitionStatus;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.time.HLCTimestamp;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica that detects an impossible state (here: a leader's entry conflicts with one it has committed) stops
 * that partition loudly: the owner is told, every open and later call fails with {@code PartitionFailed}, the
 * status says so, and the state machine is no longer driven.
 */
class RaftPartitionFailureTest {

    private final PartitionHost host = new PartitionHost();
    private final RaftPartition partition = host.partition;

    private static LogEntry entry(long index, long term, String text) {
        return new LogEntry(index, term, EntryKind.DATA, new HLCTimestamp(index, 0, 1), "t",
                text.getBytes(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void followTheLeaderAndCommitTwoEntries() {
        partition.start();
        host.settle();
        partition.receive(PartitionHost.PEER, new AppendLogs(1, 1, 0, 0,
                List.of(entry(1, 1, "a"), entry(2, 1, "b")), 2, 0, 0));
        host.settle();
        assertThat(host.delivered).hasSize(2);
    }

    @Test
    void conflictWithACommittedEntryStopsThePartitionAndFailsEveryCall() {
        // Queued before the conflicting append runs, answered after it.
        CompletableFuture<RaftReplicationResult> open = partition.replicate(EntryKind.DATA, "t", List.of(new byte[1]));
        partition.receive(PartitionHost.PEER, new AppendLogs(1, 2, 0, 0, List.of(entry(1, 2, "other")), 2, 0, 0));
        host.settle();

        assertThat(host.failures).containsOnlyKeys(1);
        assertThat(host.failures.get(1)).hasMessageContaining("conflicts with committed entry 1");
        assertThat(open).isCompletedWithValueMatching(r -> r.status() == RaftOperationStatus.PartitionFailed);
        CompletableFuture<RaftReplicationResult> later = partition.replicate(EntryKind.DATA, "t",
                List.of(new byte[1]));
        CompletableFuture<RaftOperationStatus> transfer = partition.transferLeadership(PartitionHost.PEER);
        host.settle();
        assertThat(later).isCompletedWithValueMatching(r -> r.status() == RaftOperationStatus.PartitionFailed);
        assertThat(transfer).isCompletedWithValue(RaftOperationStatus.PartitionFailed);
    }

    @Test
    void aFailedPartitionReportsItsStateAndIsNoLongerDriven() {
        partition.receive(PartitionHost.PEER, new AppendLogs(1, 2, 0, 0, List.of(entry(1, 2, "other")), 2, 0, 0));
        host.settle();
        int sentBefore = host.sent.size();

        partition.receive(PartitionHost.PEER, new AppendLogs(1, 2, 2, 1, List.of(entry(3, 2, "c")), 3, 0, 0));
        partition.tick();
        CompletableFuture<PartitionStatus> status = partition.status();
        host.settle();

        assertThat(host.sent).hasSize(sentBefore);
        assertThat(host.delivered).hasSize(2);
        assertThat(host.failures).hasSize(1);
        assertThat(status).isCompleted();
        PartitionStatus failed = status.join();
        assertThat(failed.state()).isEqualTo(PartitionStatus.State.FAILED);
        assertThat(failed.failure()).contains("conflicts with committed entry 1");
        assertThat(failed.commitIndex()).isEqualTo(2);
        assertThat(failed.appliedIndex()).isEqualTo(2);
        assertThat(partition.isLeaderQuick()).isFalse();
    }
}
