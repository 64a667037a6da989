package io.kommander.bench.system.kommander;

import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.HardState;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import io.kommander.wal.PartitionWrite;
import io.kommander.wal.WalBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

class SyncedFileWALTest {

    private static LogEntry entry(long index, int bytes) {
        return new LogEntry(index, 3, EntryKind.DATA, new HLCTimestamp(index, 0, 1), "t", new byte[bytes]);
    }

    @Test
    void eachWriteIsOneChecksummedRecordOnDiskAndIsReadFromTheHeap(@TempDir Path dir) throws Exception {
        try (SyncedFileWAL wal = new SyncedFileWAL(dir)) {
            wal.write(WalBatch.of(List.of(
                    PartitionWrite.append(1, List.of(entry(1, 10), entry(2, 20))),
                    PartitionWrite.hardState(2, new HardState(3, "n1", 0)))));

            byte[] onDisk = Files.readAllBytes(dir.resolve(SyncedFileWAL.FILE_NAME));
            // per entry: partition, index, term, type length, "t", payload length, payload; the hard state: partition,
            // term, commit index, voter length, "n1"; then the CRC32C of all of it
            int entries = (4 + 8 + 8 + 2 + 1 + 4) * 2 + 10 + 20;
            int hardState = 4 + 8 + 8 + 2 + 2;
            assertThat(onDisk).hasSize(entries + hardState + 8);
            CRC32C crc = new CRC32C();
            crc.update(onDisk, 0, onDisk.length - 8);
            assertThat(ByteBuffer.wrap(onDisk, onDisk.length - 8, 8).getLong()).isEqualTo(crc.getValue());

            assertThat(wal.read(1, 1, 2, Long.MAX_VALUE)).extracting(LogEntry::index).containsExactly(1L, 2L);
            assertThat(wal.lastPosition(1)).isEqualTo(new LogPosition(2, 3));
            assertThat(wal.hardState(2)).isEqualTo(new HardState(3, "n1", 0));
        }
    }

    @Test
    void theFileWrapsInsteadOfGrowingWithoutBound(@TempDir Path dir) throws Exception {
        try (SyncedFileWAL wal = new SyncedFileWAL(dir, 4096)) {
            for (int i = 1; i <= 100; i++) {
                wal.write(WalBatch.of(PartitionWrite.append(1, List.of(entry(i, 1000)))));
            }
            assertThat(Files.size(dir.resolve(SyncedFileWAL.FILE_NAME))).isLessThan(4096 + 2 * 1100);
            assertThat(wal.lastPosition(1).index()).isEqualTo(100);
        }
    }
}
