package io.kommander.wal.rocksdb;

import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.HardState;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import io.kommander.wal.WalException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The byte layouts documented in docs/wal-rocksdb.md, pinned so that a change of format is deliberate. */
class CodecTest {

    @Test
    void entryKeysSortByIndexWithinAPartitionAndKeepPartitionsApart() {
        List<byte[]> ordered = List.of(
                KeyCodec.entryKey(1, 1), KeyCodec.entryKey(1, 255), KeyCodec.entryKey(1, 256),
                KeyCodec.entryKey(1, 1L << 40), KeyCodec.entryKey(1, Long.MAX_VALUE), KeyCodec.entryKey(2, 1));

        for (int i = 1; i < ordered.size(); i++) {
            assertThat(Arrays.compareUnsigned(ordered.get(i - 1), ordered.get(i))).isNegative();
        }
    }

    @Test
    void entryKeyIsPartitionThenIndexBigEndian() {
        assertThat(HexFormat.of().formatHex(KeyCodec.entryKey(0x01020304, 0x05060708090A0B0CL)))
                .isEqualTo("0102030405060708090a0b0c");
    }

    @Test
    void entryRecordHasTheDocumentedLayout() {
        LogEntry entry = new LogEntry(9, 2, EntryKind.COMMIT, new HLCTimestamp(3, 4, 5), "ab", new byte[]{7});

        byte[] value = EntryCodec.encode(5, entry);

        assertThat(HexFormat.of().formatHex(value, 0, value.length - 4)).isEqualTo(
                "02" + "03" + "0000000000000002" + "0000000000000003" + "0000000000000004" + "00000005"
                        + "0000000000000000" + "0000000000000000" + "00000002" + "6162" + "07");
        assertThat(value).hasSize(EntryCodec.OVERHEAD + 2 + 1);
        assertThat(EntryCodec.decode(KeyCodec.entryKey(5, 9), value)).isEqualTo(entry);
    }

    @Test
    void directBufferRecordsAreByteForByteTheArrayRecords() {
        RecordEncoder encoder = new RecordEncoder();
        byte[] large = new byte[5000];
        Arrays.fill(large, (byte) 3);
        List<LogEntry> entries = List.of(
                new LogEntry(1, 1, EntryKind.DATA, new HLCTimestamp(3, 4, 5), "orders", new byte[]{1, 2}),
                new LogEntry(2, 1, EntryKind.DATA, new HLCTimestamp(3, 5, 5), "orders", new byte[0]),
                new LogEntry(3, 2, EntryKind.PROPOSED, new HLCTimestamp(4, 0, 1), "payments", large, 11, 12),
                new LogEntry(4, 2, EntryKind.COMMIT, new HLCTimestamp(4, 1, 1), "", new byte[]{9}));

        for (LogEntry entry : entries) {
            ByteBuffer record = encoder.record(7, entry);
            byte[] bytes = new byte[record.remaining()];
            record.get(bytes);

            assertThat(bytes).isEqualTo(EntryCodec.encode(7, entry));
            assertThat(EntryCodec.decode(KeyCodec.entryKey(7, entry.index()), bytes)).isEqualTo(entry);
        }
    }

    @Test
    void pointerRecordHasTheDocumentedLayoutAndReadsItsDataThroughThePointer() {
        LogEntry entry = new LogEntry(9, 2, EntryKind.DATA, new HLCTimestamp(3, 4, 5), "ab", new byte[]{7, 8});
        byte[] key = KeyCodec.entryKey(5, 9);
        ValuePointer pointer = new ValuePointer(6, 0x30, 2, ValueLog.crc(key, entry.data()));

        byte[] value = EntryCodec.encodePointer(key, entry, pointer);

        assertThat(HexFormat.of().formatHex(value, 0, value.length - 8)).isEqualTo(
                "03" + "01" + "0000000000000002" + "0000000000000003" + "0000000000000004" + "00000005"
                        + "0000000000000000" + "0000000000000000" + "00000002" + "6162"
                        + "0000000000000006" + "0000000000000030" + "00000002");
        assertThat(value).hasSize(EntryCodec.OVERHEAD + 2 + ValuePointer.BYTES);
        assertThat(EntryCodec.decode(key, value, (p, i, k, at) -> {
            assertThat(at).isEqualTo(pointer);
            return entry.data();
        })).isEqualTo(entry);
        assertThatThrownBy(() -> EntryCodec.decode(key, value))
                .isInstanceOf(WalException.class)
                .hasMessageContaining("partition 5, index 9");
    }

    @Test
    void valueLogReferenceKeyIsTagSegmentPartition() {
        assertThat(HexFormat.of().formatHex(KeyCodec.valueLogKey(0x0102L, 0x0304)))
                .isEqualTo("56" + "0000000000000102" + "00000304");
        assertThat(Arrays.compareUnsigned(KeyCodec.valueLogKeysStart(7), KeyCodec.valueLogKey(7, -1))).isNegative();
        assertThat(Arrays.compareUnsigned(KeyCodec.valueLogKey(7, -1), KeyCodec.valueLogKeysStart(8))).isNegative();
    }

    @Test
    void versionOneRecordWithoutANodeIsStillReadWithNodeZero() {
        byte[] key = KeyCodec.entryKey(5, 9);
        byte[] value = HexFormat.of().parseHex("01" + "03" + "0000000000000002" + "0000000000000003"
                + "0000000000000004" + "00000002" + "6162" + "07" + "00000000");
        Checksum.seal(key, value);

        assertThat(EntryCodec.decode(key, value))
                .isEqualTo(new LogEntry(9, 2, EntryKind.COMMIT, new HLCTimestamp(3, 4, 0), "ab", new byte[]{7}));
    }

    @Test
    void entryRecordCarriesItsRequestId() {
        LogEntry entry = new LogEntry(9, 2, EntryKind.DATA, new HLCTimestamp(3, 4, 5), "ab", new byte[]{7}, 0x0A0B,
                5);

        byte[] value = EntryCodec.encode(5, entry);

        assertThat(HexFormat.of().formatHex(value, 0, value.length - 4)).isEqualTo(
                "02" + "01" + "0000000000000002" + "0000000000000003" + "0000000000000004" + "00000005"
                        + "0000000000000a0b" + "0000000000000005" + "00000002" + "6162" + "07");
        assertThat(value).hasSize(EntryCodec.OVERHEAD + 2 + 1);
        assertThat(EntryCodec.decode(KeyCodec.entryKey(5, 9), value)).isEqualTo(entry);
    }

    @Test
    void recordWithASequenceButNoClientIdIsReported() {
        LogEntry entry = new LogEntry(1, 1, EntryKind.DATA, HLCTimestamp.ZERO, "", new byte[0], 1, 1);
        byte[] key = KeyCodec.entryKey(1, 1);
        byte[] value = EntryCodec.encode(1, entry);
        java.nio.ByteBuffer.wrap(value).putLong(30, 0);
        byte[] resealed = Checksum.seal(key, value);

        assertThatThrownBy(() -> EntryCodec.decode(key, resealed))
                .isInstanceOf(WalException.class)
                .hasMessageStartingWith("partition 1, index 1: corrupt log record: request id 0#1");
    }

    @Test
    void everyEntryKindRoundTrips() {
        for (EntryKind kind : EntryKind.values()) {
            LogEntry entry = new LogEntry(1, 1, kind, HLCTimestamp.ZERO, "é", "x".getBytes(StandardCharsets.UTF_8));
            assertThat(EntryCodec.decode(KeyCodec.entryKey(0, 1), EntryCodec.encode(0, entry))).isEqualTo(entry);
        }
    }

    @Test
    void everySingleBitFlipOfAnEntryRecordIsDetected() {
        byte[] key = KeyCodec.entryKey(4, 2);
        byte[] value = EntryCodec.encode(4, new LogEntry(2, 1, EntryKind.DATA, new HLCTimestamp(5, 6, 7), "t",
                new byte[]{1, 2, 3}));

        for (int bit = 0; bit < value.length * 8; bit++) {
            byte[] damaged = value.clone();
            damaged[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThatThrownBy(() -> EntryCodec.decode(key, damaged))
                    .isInstanceOf(WalException.class)
                    .hasMessageStartingWith("partition 4, index 2: corrupt log record");
        }
    }

    @Test
    void unknownEntryKindWithAValidChecksumIsReported() {
        byte[] key = KeyCodec.entryKey(1, 1);
        byte[] value = EntryCodec.encode(1, new LogEntry(1, 1, EntryKind.DATA, null, "", new byte[0]));
        value[1] = 99;
        Checksum.seal(key, value);

        assertThatThrownBy(() -> EntryCodec.decode(key, value))
                .isInstanceOf(WalException.class)
                .hasMessageContaining("unknown entry kind code 99");
    }

    @Test
    void stateRecordsRoundTrip() {
        byte[] key = KeyCodec.partitionKey(3, KeyCodec.RecordKind.HARD_STATE);
        HardState state = new HardState(7, "n-2 ✓", 11);

        assertThat(StateCodec.decodeHardState(key, StateCodec.encodeHardState(key, state), "p")).isEqualTo(state);
        assertThat(StateCodec.decodePosition(key, StateCodec.encodePosition(key, new LogPosition(5, 6)), "p"))
                .isEqualTo(new LogPosition(5, 6));
        assertThat(StateCodec.decodeCheckpoint(key, StateCodec.encodeCheckpoint(key, 42), "p")).isEqualTo(42);
        assertThat(StateCodec.decodeMetadata(key, StateCodec.encodeMetadata(key, new byte[]{1}), "p"))
                .containsExactly(1);
    }

    @Test
    void stateRecordUnderAnotherKeyFailsItsCheck() {
        byte[] key = KeyCodec.partitionKey(3, KeyCodec.RecordKind.CHECKPOINT);
        byte[] other = KeyCodec.partitionKey(4, KeyCodec.RecordKind.CHECKPOINT);

        assertThatThrownBy(() -> StateCodec.decodeCheckpoint(other, StateCodec.encodeCheckpoint(key, 1), "partition 4"))
                .isInstanceOf(WalException.class)
                .hasMessage("partition 4 checkpoint: corrupt record: CRC32C mismatch (torn or altered record)");
    }

    @Test
    void formatRecordHasTheDocumentedLayout() {
        byte[] value = WalFormat.current(8).encode();

        assertThat(new String(value, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("KMDR-WAL");
        assertThat(HexFormat.of().formatHex(value, 8, 16)).isEqualTo("00000003" + "00000008");
        assertThat(WalFormat.decode(value, "f")).isEqualTo(new WalFormat(3, 8));
        assertThat(new WalFormat(1, 8).shardOf(-3)).isEqualTo(5);
    }
}
