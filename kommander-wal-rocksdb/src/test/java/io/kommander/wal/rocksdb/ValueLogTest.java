package io.kommander.wal.rocksdb;

import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import io.kommander.wal.PartitionWrite;
import io.kommander.wal.WalBatch;
import io.kommander.wal.WalException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The value log under {@link RocksDbWAL}: large payloads written once to segment files, segments rolling over and
 * deleted whole once compaction releases them, and recovery checking the segments against RocksDB.
 */
class ValueLogTest {

    private static final int PAYLOAD = 8 * 1024;
    /** Four payloads per segment. */
    private static final long SEGMENT = 4L * PAYLOAD;

    @TempDir
    Path temp;
    private Path folder;

    @BeforeEach
    void folder() {
        folder = temp.resolve("wal");
    }

    private RocksDbWAL open() {
        return RocksDbWAL.builder(folder).shards(2).valueLogThresholdBytes(4096).valueLogSegmentBytes(SEGMENT).open();
    }

    private static LogEntry entry(int partition, long index, int size) {
        byte[] data = new byte[size];
        new SplittableRandom(partition * 1_000_003L + index).nextBytes(data);
        return new LogEntry(index, 1, EntryKind.DATA, new HLCTimestamp(index, 0, 1), "t", data);
    }

    /** One batch per index, each appending that index to every partition. */
    private static void writeRounds(RocksDbWAL wal, long from, long to, int... partitions) {
        for (long index = from; index <= to; index++) {
            long i = index;
            wal.write(WalBatch.of(java.util.Arrays.stream(partitions)
                    .mapToObj(p -> PartitionWrite.append(p, List.of(entry(p, i, PAYLOAD)))).toList()));
        }
    }

    private static List<LogEntry> entries(int partition, long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(i -> entry(partition, i, PAYLOAD)).toList();
    }

    private List<Path> segmentFiles() throws IOException {
        try (var files = Files.list(folder.resolve(ValueLog.FOLDER))) {
            return files.sorted().toList();
        }
    }

    @Test
    void aLargePayloadIsStoredOnceInTheValueLogAndRocksDbKeepsOnlyAPointer() throws IOException {
        try (RocksDbWAL wal = open()) {
            wal.write(WalBatch.of(PartitionWrite.append(1, List.of(entry(1, 1, PAYLOAD), entry(1, 2, 100)))));
            assertThat(wal.read(1, 1, 2, Long.MAX_VALUE)).containsExactly(entry(1, 1, PAYLOAD), entry(1, 2, 100));
        }
        try (RawStore raw = RawStore.open(folder)) {
            String shard = Store.logFamily(1);
            assertThat(raw.get(shard, KeyCodec.entryKey(1, 1))).as("a pointer record").hasSizeLessThan(100);
            assertThat(raw.get(shard, KeyCodec.entryKey(1, 1))[0]).isEqualTo(EntryCodec.RECORD_VERSION_POINTER);
            assertThat(raw.get(shard, KeyCodec.entryKey(1, 2))[0]).as("below the threshold: inline")
                    .isEqualTo(EntryCodec.RECORD_VERSION);
        }
        ValuePointer pointer = pointer(1, 1);
        assertThat(pointer.offset()).as("after the segment's and the batch record's headers")
                .isEqualTo(ValueLogSegment.HEADER_BYTES + ValueLogRecord.HEADER_BYTES);
        assertThat(segmentFiles()).as("segment 1, and segment 2 prepared ahead").hasSize(2);
        assertThat(Files.size(segmentFiles().get(0))).as("one record: the payload, the WriteBatch, a CRC")
                .isBetween(pointer.end(), pointer.end() + 1024);
        assertThat(Files.size(segmentFiles().get(1))).isEqualTo(ValueLogSegment.HEADER_BYTES);
    }

    @Test
    void aBatchRocksDbLostInACrashIsAppliedAgainFromTheValueLog() {
        writeThenLoseTheSecondBatchInRocksDb();

        try (RocksDbWAL wal = open()) {
            assertThat(wal.lastPosition(1)).isEqualTo(new LogPosition(2, 1));
            assertThat(wal.read(1, 1, 2, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 1, 2));
            writeRounds(wal, 3, 3, 1);
        }
        try (RocksDbWAL wal = open()) {
            assertThat(wal.read(1, 1, 3, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 1, 3));
        }
    }

    @Test
    void aTornRecordAfterTheLastAppliedOneIsCutAndNotApplied() throws IOException {
        writeThenLoseTheSecondBatchInRocksDb();
        Path second = segmentFiles().get(1);
        long torn = Files.size(second) - 3;   // the crash came before the record's last bytes were on disk
        try (RandomAccessFile file = new RandomAccessFile(second.toFile(), "rw")) {
            file.setLength(torn);
        }

        try (RocksDbWAL wal = open()) {
            assertThat(wal.lastPosition(1)).isEqualTo(new LogPosition(1, 1));
            assertThat(wal.read(1, 1, 1, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 1, 1));
            writeRounds(wal, 2, 2, 1);
            assertThat(wal.read(1, 1, 2, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 1, 2));
        }
    }

    /**
     * Writes entry 1 and, after a restart, entry 2 of partition 1, then puts RocksDB back where it was after entry 1,
     * as a machine crash that lost RocksDB's unsynced write of the second batch leaves it; the value log keeps it.
     */
    private void writeThenLoseTheSecondBatchInRocksDb() {
        try (RocksDbWAL wal = open()) {
            writeRounds(wal, 1, 1, 1);
        }
        byte[] appliedKey = KeyCodec.appliedKey();
        byte[] referenceKey = KeyCodec.valueLogKey(1, 1);
        byte[][] afterFirst = new byte[2][];
        try (RawStore raw = RawStore.open(folder)) {
            afterFirst[0] = raw.get(Store.STATE_FAMILY, appliedKey);
            afterFirst[1] = raw.get(Store.STATE_FAMILY, referenceKey);
        }
        try (RocksDbWAL wal = open()) {
            writeRounds(wal, 2, 2, 1);
            assertThat(wal.valueLogSegments()).as("2 was prepared but never used: deleted on opening")
                    .containsExactly(1L, 3L);
        }
        try (RawStore raw = RawStore.open(folder)) {
            raw.delete(Store.logFamily(1), KeyCodec.entryKey(1, 2));
            raw.delete(Store.STATE_FAMILY, KeyCodec.valueLogKey(3, 1));
            raw.put(Store.STATE_FAMILY, appliedKey, afterFirst[0]);
            raw.put(Store.STATE_FAMILY, referenceKey, afterFirst[1]);
        }
    }

    /** The pointer stored for an entry whose payload is in the value log. */
    private ValuePointer pointer(int partition, long index) {
        try (RawStore raw = RawStore.open(folder)) {
            byte[] value = raw.get(Store.logFamily(partition % 2), KeyCodec.entryKey(partition, index));
            java.nio.ByteBuffer at = java.nio.ByteBuffer.wrap(value, value.length - 4 - ValuePointer.BYTES,
                    ValuePointer.BYTES);
            return new ValuePointer(at.getLong(), at.getLong(), at.getInt(), at.getInt());
        }
    }

    @Test
    void segmentsRollOverAtTheirSizeAndAreAllReadAfterARestart() {
        try (RocksDbWAL wal = open()) {
            writeRounds(wal, 1, 10, 1);
            assertThat(wal.valueLogSegments()).as("four payloads per segment").containsExactly(1L, 2L, 3L);
        }
        try (RocksDbWAL wal = open()) {
            assertThat(wal.read(1, 1, 10, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 1, 10));
            writeRounds(wal, 11, 11, 1);
            assertThat(wal.valueLogSegments()).as("a restart appends to a new segment (4 was prepared, never used)")
                    .containsExactly(1L, 2L, 3L, 5L);
            assertThat(wal.read(1, 9, 11, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 9, 11));
        }
    }

    @Test
    void removingAPartitionDeletesTheSegmentsOnlyItHeldAndKeepsSharedOnes() {
        try (RocksDbWAL wal = open()) {
            writeRounds(wal, 1, 8, 2);      // partition 2 alone: segments 1 and 2
            for (long i = 1; i <= 2; i++) { // both: segment 3, shared
                wal.write(WalBatch.of(List.of(PartitionWrite.append(1, List.of(entry(1, i, PAYLOAD))),
                        PartitionWrite.append(2, List.of(entry(2, i + 8, PAYLOAD))))));
            }
            writeRounds(wal, 3, 3, 1);      // partition 1 alone: segment 4, active
            assertThat(wal.valueLogSegments()).containsExactly(1L, 2L, 3L, 4L);

            wal.removePartition(2);

            assertThat(wal.valueLogSegments()).as("1 and 2 held only partition 2; 3 and 4 hold partition 1")
                    .containsExactly(3L, 4L);
            assertThat(wal.partitions()).containsExactly(1);
        }
        try (RocksDbWAL wal = open()) {
            assertThat(wal.partitions()).containsExactly(1);
            assertThat(wal.lastPosition(2)).isEqualTo(LogPosition.ZERO);
            assertThat(wal.read(1, 1, 3, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 1, 3));
        }
    }

    @Test
    void compactionDeletesASegmentOnlyOnceNoPartitionPointsIntoIt() {
        try (RocksDbWAL wal = open()) {
            writeRounds(wal, 1, 6, 1, 2);   // two payloads per round: segments 1, 2 full, 3 active
            assertThat(wal.valueLogSegments()).containsExactly(1L, 2L, 3L);

            wal.compact(1, new LogPosition(6, 1));
            assertThat(wal.valueLogSegments()).as("partition 2 still points into them").containsExactly(1L, 2L, 3L);
            wal.compact(2, new LogPosition(3, 1));
            assertThat(wal.valueLogSegments()).as("segment 2 holds partition 2's entry 3").containsExactly(2L, 3L);
            wal.compact(2, new LogPosition(4, 1));
            assertThat(wal.valueLogSegments()).as("the active segment stays").containsExactly(3L);
            assertThat(wal.read(2, 5, 6, Long.MAX_VALUE)).containsExactlyElementsOf(entries(2, 5, 6));
        }
        try (RocksDbWAL wal = open()) {
            assertThat(wal.valueLogSegments()).containsExactly(3L);
            assertThat(wal.read(2, 5, 6, Long.MAX_VALUE)).containsExactlyElementsOf(entries(2, 5, 6));
        }
        try (RawStore raw = RawStore.open(folder)) {
            for (long segment = 1; segment <= 2; segment++) {
                for (int partition = 1; partition <= 2; partition++) {
                    assertThat(raw.get(Store.STATE_FAMILY, KeyCodec.valueLogKey(segment, partition)))
                            .as("the reference of partition %d to deleted segment %d", partition, segment).isNull();
                }
            }
        }
    }

    @Test
    void aSegmentNoPartitionHoldsAfterARestartIsDeletedOnOpen() {
        try (RocksDbWAL wal = open()) {
            writeRounds(wal, 1, 6, 1);
            wal.compact(1, new LogPosition(6, 1));
            assertThat(wal.valueLogSegments()).as("the active segment stays while open").containsExactly(2L);
        }
        try (RocksDbWAL wal = open()) {
            assertThat(wal.valueLogSegments()).isEmpty();
            writeRounds(wal, 7, 7, 1);
            assertThat(wal.valueLogSegments()).as("numbers are not reused (3 was prepared ahead, never used)")
                    .containsExactly(4L);
        }
    }

    @Test
    void aSnapshotBoundaryInstallReleasesThePartitionsSegments() {
        try (RocksDbWAL wal = open()) {
            writeRounds(wal, 1, 8, 1);
            wal.installSnapshotBoundary(1, new LogPosition(5, 2));
            assertThat(wal.valueLogSegments()).as("entries 6..8 after the boundary are dropped too")
                    .containsExactly(2L);
            wal.write(WalBatch.of(PartitionWrite.append(1, List.of(entry(1, 6, PAYLOAD).at(6, 2)))));
        }
        try (RocksDbWAL wal = open()) {
            assertThat(wal.compactedUpTo(1)).isEqualTo(new LogPosition(5, 2));
            assertThat(wal.read(1, 6, 6, Long.MAX_VALUE)).containsExactly(entry(1, 6, PAYLOAD).at(6, 2));
            assertThat(wal.valueLogSegments()).as("segment 2 was full; the append went to segment 3")
                    .containsExactly(3L);
        }
    }

    @Test
    void aTruncatedSuffixIsRewrittenIntoTheValueLogAndReadBack() {
        try (RocksDbWAL wal = open()) {
            writeRounds(wal, 1, 5, 1);
            LogEntry replacement = entry(1, 4, PAYLOAD + 1).at(4, 2);
            wal.write(WalBatch.of(new PartitionWrite(1, 3, List.of(replacement), null, PartitionWrite.NO_CHECKPOINT)));
            assertThat(wal.lastPosition(1)).isEqualTo(new LogPosition(4, 2));
            assertThat(wal.read(1, 3, 4, Long.MAX_VALUE)).containsExactly(entry(1, 3, PAYLOAD), replacement);
        }
    }

    @Test
    void aDamagedPayloadFailsTheReadNamingPartitionAndIndexNeverAWrongPayload() throws IOException {
        try (RocksDbWAL wal = open()) {
            writeRounds(wal, 1, 3, 1);
        }
        flipByte(segmentFiles().get(0), pointer(1, 2).offset() + 100);

        try (RocksDbWAL wal = open()) {
            assertThat(wal.read(1, 1, 1, Long.MAX_VALUE)).containsExactly(entry(1, 1, PAYLOAD));
            assertThatThrownBy(() -> wal.read(1, 1, 3, Long.MAX_VALUE))
                    .isInstanceOf(WalException.class)
                    .hasMessageContaining("partition 1, index 2")
                    .hasMessageContaining("CRC32C mismatch");
        }
        assertThatThrownBy(() -> RocksDbWAL.builder(folder).verifyEveryRecordOnOpen(true).open())
                .isInstanceOf(WalException.class)
                .hasMessageContaining("partition 1, index 2");
    }

    @Test
    void aDamagedLastPayloadIsRefusedByRecovery() throws IOException {
        try (RocksDbWAL wal = open()) {
            writeRounds(wal, 1, 2, 1);
        }
        flipByte(segmentFiles().get(0), pointer(1, 2).end() - 1);

        assertThatThrownBy(this::open)
                .isInstanceOf(WalException.class)
                .hasMessageContaining("partition 1, index 2")
                .hasMessageContaining("CRC32C mismatch");
    }

    @Test
    void aTornOrCorruptTailAfterTheLastPointerIsCutOnOpen() throws IOException {
        try (RocksDbWAL wal = open()) {
            writeRounds(wal, 1, 2, 1);
        }
        Path segment = segmentFiles().get(0);
        long referenced = Files.size(segment);
        byte[] garbage = new byte[PAYLOAD / 2];   // an append whose RocksDB batch never became durable, half written
        new SplittableRandom(7).nextBytes(garbage);
        Files.write(segment, garbage, java.nio.file.StandardOpenOption.APPEND);

        try (RocksDbWAL wal = open()) {
            assertThat(Files.size(segment)).isEqualTo(referenced);
            assertThat(wal.read(1, 1, 2, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 1, 2));
            writeRounds(wal, 3, 3, 1);
            assertThat(wal.read(1, 1, 3, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 1, 3));
        }
    }

    @Test
    void aNewSegmentWithoutAnyPointerIntoItIsDeletedOnOpen() throws IOException {
        try (RocksDbWAL wal = open()) {
            writeRounds(wal, 1, 2, 1);
        }
        // A crash while rolling over: the next segment's header is torn.
        Path torn = folder.resolve(ValueLog.FOLDER).resolve(ValueLogSegment.fileName(2));
        Files.write(torn, new byte[]{'K', 'M', 'D'});

        try (RocksDbWAL wal = open()) {
            assertThat(Files.exists(torn)).isFalse();
            assertThat(wal.read(1, 1, 2, Long.MAX_VALUE)).containsExactlyElementsOf(entries(1, 1, 2));
        }
    }

    @Test
    void aMissingOrShortSegmentIsAClearErrorNamingPartitionAndIndex() throws IOException {
        try (RocksDbWAL wal = open()) {
            writeRounds(wal, 1, 6, 1);   // segments 1 (entries 1..4) and 2 (5..6)
        }
        Path first = segmentFiles().get(0);
        Path second = segmentFiles().get(1);
        long length = Files.size(second);
        long cut = pointer(1, 6).end() - 10;
        try (RandomAccessFile file = new RandomAccessFile(second.toFile(), "rw")) {
            file.setLength(cut);
        }
        assertThatThrownBy(this::open)
                .isInstanceOf(WalException.class)
                .hasMessageContaining("partition 1, index 6")
                .hasMessageContaining("the file ends at " + cut);

        writeRounds(temp.resolve("copy"), second, length);
        Files.delete(first);
        assertThatThrownBy(this::open)
                .isInstanceOf(WalException.class)
                .hasMessageContaining("partition 1, index 4")
                .hasMessageContaining("missing");
    }

    @Test
    void aForeignFileInTheValueLogFolderIsRefused() throws IOException {
        try (RocksDbWAL wal = open()) {
            writeRounds(wal, 1, 1, 1);
        }
        Files.write(folder.resolve(ValueLog.FOLDER).resolve("notes.txt"), new byte[]{1});

        assertThatThrownBy(this::open)
                .isInstanceOf(WalException.class)
                .hasMessageContaining("notes.txt")
                .hasMessageContaining("not a value log segment");
    }

    /** Rewrites the first {@code length} bytes of {@code segment} as a healthy WAL of the same writes has them. */
    private void writeRounds(Path scratch, Path segment, long length) throws IOException {
        try (RocksDbWAL wal = RocksDbWAL.builder(scratch).shards(2).valueLogThresholdBytes(4096)
                .valueLogSegmentBytes(SEGMENT).open()) {
            writeRounds(wal, 1, 6, 1);
        }
        byte[] healthy = Files.readAllBytes(scratch.resolve(ValueLog.FOLDER).resolve(segment.getFileName()));
        Files.write(segment, java.util.Arrays.copyOf(healthy, (int) length));
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.seek(offset);
            int value = raw.read();
            raw.seek(offset);
            raw.write(value ^ 0xFF);
        }
    }
}
