package io.kommander.cluster;

import io.kommander.IRaft;
import io.kommander.RaftReplicationResult;
import io.kommander.sim.SimCluster;
import io.kommander.sim.SimClusterBuilder;
import io.kommander.wal.LogEntry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WAL of a 3-node cluster with one member down for an hour of writes (virtual time), with and without snapshots:
 * without them the dead member pins every replica's compaction point and the WAL keeps every write; with them it
 * stays near the retention. Prints the figures quoted in {@code docs/membership.md}.
 */
class WalSizeWithAMemberDownTest {

    private static final int WRITES_PER_SECOND = 2;
    private static final int SECONDS = 3_600;
    private static final int ENTRY_BYTES = 100;
    private static final int CHECKPOINT_EVERY = 500;
    private static final long RETENTION = 500;

    /** Entries and bytes (entry size estimates) each live node's WAL holds after the hour. */
    private record WalSize(long entries, long bytes) {
    }

    private static WalSize hourWithAMemberDown(boolean snapshots) {
        SimClusterBuilder builder = SimCluster.builder(3, 1).tuning(b -> b.snapshotRetentionEntries(RETENTION)
                .compactionIntervalMillis(30_000).heartbeatIntervalMillis(500).electionTimeoutMillis(5_000, 10_000));
        SimCluster cluster = (snapshots ? builder.snapshots() : builder).start();
        int leader = cluster.awaitLeader(1);
        int down = cluster.others(leader).get(0);
        cluster.crash(down);
        byte[] payload = new byte[ENTRY_BYTES];
        for (int second = 0; second < SECONDS; second++) {
            IRaft node = cluster.node(cluster.awaitLeader(1));
            List<CompletableFuture<RaftReplicationResult>> writes = new ArrayList<>();
            for (int i = 0; i < WRITES_PER_SECOND; i++) {
                writes.add(node.replicateLogs(1, "w", payload));
            }
            if (!snapshots && (second + 1) % (CHECKPOINT_EVERY / WRITES_PER_SECOND) == 0) {
                writes.add(node.replicateCheckpoint(1));
            }
            assertThat(cluster.awaitAll(writes)).allMatch(RaftReplicationResult::success);
            cluster.runFor(Duration.ofMillis(1_000 - 50));
        }
        cluster.runFor(Duration.ofSeconds(60));
        long entries = 0;
        long bytes = 0;
        for (int node : cluster.others(down)) {
            List<LogEntry> log = cluster.durableLog(node, 1);
            entries = Math.max(entries, log.size());
            bytes = Math.max(bytes, log.stream().mapToLong(LogEntry::sizeEstimate).sum());
        }
        return new WalSize(entries, bytes);
    }

    @Test
    void withSnapshotsTheWalOfALiveNodeStaysNearTheRetentionWhileAMemberIsDown() {
        WalSize without = hourWithAMemberDown(false);
        WalSize with = hourWithAMemberDown(true);
        System.out.printf("[wal-size] one member down for %d s at %d writes/s of %d-byte entries: checkpoints "
                        + "only: %d entries, %d bytes; snapshots with retention %d: %d entries, %d bytes%n", SECONDS,
                WRITES_PER_SECOND, ENTRY_BYTES, without.entries(), without.bytes(), RETENTION, with.entries(),
                with.bytes());
        long writes = (long) WRITES_PER_SECOND * SECONDS;
        assertThat(without.entries()).as("the dead member pins compaction").isGreaterThanOrEqualTo(writes);
        assertThat(with.entries()).as("retention plus one compaction interval of writes")
                .isLessThanOrEqualTo(RETENTION + 30L * WRITES_PER_SECOND + 50);
    }
}
