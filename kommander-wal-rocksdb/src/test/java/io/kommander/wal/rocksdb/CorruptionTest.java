package io.kommander.wal.rocksdb;

import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.HardState;
import io.kommander.wal.LogEntry;
import io.kommander.wal.PartitionWrite;
import io.kommander.wal.WalBatch;
import io.kommander.wal.WalException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Damages stored records underneath a closed WAL, as a disk fault would, and checks that reads and recovery
 * refuse them with a {@link WalException} naming the partition and index, instead of returning or skipping them.
 */
class CorruptionTest {

    private static final int SHARDS = 2;
    private static final int PARTITION = 3;
    private static final String LOG_FAMILY = Store.logFamily(PARTITION % SHARDS);

    @TempDir
    Path temp;
    private Path folder;

    @BeforeEach
    void writeTenEntries() {
        folder = temp.resolve("wal");
        try (RocksDbWAL wal = RocksDbWAL.builder(folder).shards(SHARDS).open()) {
            List<LogEntry> entries = LongStream.rangeClosed(1, 10)
                    .mapToObj(i -> new LogEntry(i, 2, EntryKind.DATA, new HLCTimestamp(i, 0, 1), "t",
                            ("entry " + i).getBytes(StandardCharsets.UTF_8)))
                    .toList();
            wal.write(new WalBatch(List.of(
                    new PartitionWrite(PARTITION, PartitionWrite.NO_TRUNCATE, entries, new HardState(2, "n1", 4),
                            PartitionWrite.NO_CHECKPOINT)),
                    Map.of("cluster", new byte[]{1, 2, 3})));
        }
    }

    private static byte[] entryKey(long index) {
        return KeyCodec.entryKey(PARTITION, index);
    }

    private void damage(java.util.function.Consumer<RawStore> change) {
        try (RawStore raw = RawStore.open(folder)) {
            change.accept(raw);
        }
    }

    private RocksDbWAL open() {
        return RocksDbWAL.builder(folder).open();
    }

    @Test
    void flippedByteInAnEntryFailsTheReadNamingPartitionAndIndex() {
        damage(raw -> raw.flipByte(LOG_FAMILY, entryKey(5), 20));

        try (RocksDbWAL wal = open()) {
            assertThat(wal.read(PARTITION, 1, 4, Long.MAX_VALUE)).hasSize(4);
            assertThatThrownBy(() -> wal.read(PARTITION, 1, 10, Long.MAX_VALUE))
                    .isInstanceOf(WalException.class)
                    .hasMessageContaining("partition 3, index 5")
                    .hasMessageContaining("CRC32C mismatch");
        }
    }

    @Test
    void flippedByteInTheDataIsCaughtToo() {
        byte[] key = entryKey(7);
        damage(raw -> raw.flipByte(LOG_FAMILY, key, raw.get(LOG_FAMILY, key).length - 6));

        try (RocksDbWAL wal = open()) {
            assertThatThrownBy(() -> wal.read(PARTITION, 7, 7, Long.MAX_VALUE))
                    .isInstanceOf(WalException.class)
                    .hasMessageContaining("partition 3, index 7");
        }
    }

    @Test
    void recoveryVerifyingEveryRecordRefusesADamagedEntry() {
        damage(raw -> raw.flipByte(LOG_FAMILY, entryKey(5), 3));

        assertThatThrownBy(() -> RocksDbWAL.builder(folder).verifyEveryRecordOnOpen(true).open())
                .isInstanceOf(WalException.class)
                .hasMessageContaining("partition 3, index 5")
                .hasMessageContaining("corrupt log record");
    }

    @Test
    void recoveryRefusesADamagedLastEntry() {
        damage(raw -> raw.flipByte(LOG_FAMILY, entryKey(10), 1));

        assertThatThrownBy(this::open)
                .isInstanceOf(WalException.class)
                .hasMessageContaining("partition 3, index 10");
    }

    @Test
    void truncatedRecordIsReportedAsTooShort() {
        damage(raw -> raw.put(LOG_FAMILY, entryKey(6), Arrays.copyOf(raw.get(LOG_FAMILY, entryKey(6)), 12)));

        try (RocksDbWAL wal = open()) {
            assertThatThrownBy(() -> wal.read(PARTITION, 6, 6, Long.MAX_VALUE))
                    .isInstanceOf(WalException.class)
                    .hasMessageContaining("partition 3, index 6")
                    .hasMessageContaining("shorter than the minimum");
        }
    }

    @Test
    void intactRecordStoredUnderAnotherIndexFailsItsCheck() {
        damage(raw -> raw.put(LOG_FAMILY, entryKey(4), raw.get(LOG_FAMILY, entryKey(3))));

        try (RocksDbWAL wal = open()) {
            assertThatThrownBy(() -> wal.read(PARTITION, 3, 5, Long.MAX_VALUE))
                    .isInstanceOf(WalException.class)
                    .hasMessageContaining("partition 3, index 4")
                    .hasMessageContaining("CRC32C");
        }
    }

    @Test
    void missingEntryInsideTheLogIsReportedNotSkipped() {
        damage(raw -> raw.delete(LOG_FAMILY, entryKey(6)));

        try (RocksDbWAL wal = open()) {
            assertThatThrownBy(() -> wal.read(PARTITION, 5, 8, Long.MAX_VALUE))
                    .isInstanceOf(WalException.class)
                    .hasMessageContaining("partition 3, index 6")
                    .hasMessageContaining("missing");
        }
        assertThatThrownBy(() -> RocksDbWAL.builder(folder).verifyEveryRecordOnOpen(true).open())
                .isInstanceOf(WalException.class)
                .hasMessageContaining("partition 3, index 6");
    }

    @Test
    void missingFirstEntriesAreReportedByRecovery() {
        damage(raw -> raw.delete(LOG_FAMILY, entryKey(1)));

        assertThatThrownBy(this::open)
                .isInstanceOf(WalException.class)
                .hasMessageContaining("partition 3")
                .hasMessageContaining("first stored entry has index 2, expected 1");
    }

    @Test
    void damagedHardStateIsRefusedByRecovery() {
        byte[] key = KeyCodec.partitionKey(PARTITION, KeyCodec.RecordKind.HARD_STATE);
        damage(raw -> raw.flipByte(Store.STATE_FAMILY, key, 2));

        assertThatThrownBy(this::open)
                .isInstanceOf(WalException.class)
                .hasMessageContaining("partition 3 hard state")
                .hasMessageContaining("CRC32C mismatch");
    }

    @Test
    void damagedMetadataIsRefused() {
        byte[] key = KeyCodec.metadataKey("cluster");
        damage(raw -> raw.flipByte(Store.STATE_FAMILY, key, 1));

        assertThatThrownBy(this::open)
                .isInstanceOf(WalException.class)
                .hasMessageContaining("metadata 'cluster'");
    }
}
