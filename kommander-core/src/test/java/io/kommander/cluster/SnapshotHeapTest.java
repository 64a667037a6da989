package io.kommander.cluster;

import io.kommander.IRaftStateMachineTransfer;
import io.kommander.internal.partition.SnapshotImage;
import io.kommander.testing.TestCluster;
import io.kommander.wal.InMemoryWAL;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an idle partition with a snapshot holds on the heap: its snapshot lives in the WAL, not also in the
 * partition. One node, 100 partitions, each with a 1 MiB snapshot; prints the heap before and after the snapshots
 * (the in-memory WAL's own copies, 100 MiB, are part of the difference: a RocksDB WAL keeps them on disk).
 */
class SnapshotHeapTest {

    private static final int PARTITIONS = 100;
    private static final int SNAPSHOT_BYTES = 1 << 20;

    @Test
    void idlePartitionsWithSnapshotsHoldNoSnapshotBytesBesidesTheWal() {
        InMemoryWAL wal = new InMemoryWAL();
        AtomicInteger produced = new AtomicInteger();
        AtomicBoolean producing = new AtomicBoolean();
        IRaftStateMachineTransfer application = new IRaftStateMachineTransfer() {
            @Override
            public CompletableFuture<byte[]> produceSnapshot(int partition, long index) {
                if (!producing.get()) {
                    // Not yet ("before" is measured first): null is "no snapshot this time".
                    return CompletableFuture.completedFuture(null);
                }
                produced.incrementAndGet();
                byte[] state = new byte[SNAPSHOT_BYTES];
                state[partition] = 1;
                return CompletableFuture.completedFuture(state);
            }

            @Override
            public CompletableFuture<Void> installSnapshot(int partition, long index, byte[] snapshot) {
                return CompletableFuture.completedFuture(null);
            }
        };
        try (TestCluster cluster = TestCluster.builder(1, PARTITIONS).wal((node, previous) -> wal)
                .tuning(b -> b.compactionIntervalMillis(200))
                .managers((builder, node) -> builder.stateMachineTransfer(application)).build().start()) {
            for (int p = 1; p <= PARTITIONS; p++) {
                assertThat(cluster.write(p, "entry").success()).isTrue();
            }
            long before = usedHeap();
            producing.set(true);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> IntStream.rangeClosed(1, PARTITIONS)
                    .allMatch(p -> wal.metadata(SnapshotImage.metadataKey(p)).map(b -> b.length).orElse(0) > SNAPSHOT_BYTES));
            long after = usedHeap();

            long walCopies = (long) PARTITIONS * SNAPSHOT_BYTES;
            long heldByPartitions = after - before - walCopies;
            System.out.printf("heap before the snapshots %,d B, after %,d B: %,d B more, of which the in-memory WAL's"
                    + " copies %,d B, so %,d B held by the partitions (%d snapshots produced)%n", before, after,
                    after - before, walCopies, heldByPartitions, produced.get());
            // Holding every snapshot again would be another 100 MiB; allow for the heap's noise, far below that.
            assertThat(heldByPartitions).isLessThan(walCopies / 2);
        }
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
