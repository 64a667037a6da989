package io.kommander.wal.rocksdb;

import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import io.kommander.wal.PartitionWrite;
import io.kommander.wal.WalBatch;
import io.kommander.wal.WalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Opening a folder: what is created, and every folder the WAL refuses, with the reason in the message. */
class OpeningTest {

    @TempDir
    Path temp;

    private static void appendOne(RocksDbWAL wal, int partition) {
        wal.write(WalBatch.of(PartitionWrite.append(partition,
                List.of(new LogEntry(1, 1, EntryKind.DATA, null, "t", new byte[]{1})))));
    }

    @Test
    void missingFolderIsCreatedWithTheConfiguredShards() {
        Path folder = temp.resolve("a/b/wal");

        try (RocksDbWAL wal = RocksDbWAL.builder(folder).shards(5).open()) {
            appendOne(wal, 1);
        }

        assertThat(folder).isDirectory();
        try (RawStore raw = RawStore.open(folder)) {
            assertThat(raw.families()).containsExactlyInAnyOrder("default", Store.STATE_FAMILY,
                    Store.logFamily(0), Store.logFamily(1), Store.logFamily(2), Store.logFamily(3), Store.logFamily(4));
            assertThat(WalFormat.decode(raw.get(Store.STATE_FAMILY, KeyCodec.formatKey()), "test"))
                    .isEqualTo(new WalFormat(WalFormat.CURRENT_VERSION, 5));
        }
    }

    @Test
    void memtablesKeepAnInsertHintPerPartition() throws Exception {
        Path folder = temp.resolve("wal");
        try (RocksDbWAL wal = RocksDbWAL.builder(folder).shards(2).open()) {
            appendOne(wal, 1);
        }

        // RocksDB records the options a database runs with in its OPTIONS file, one section per column family.
        Path options;
        try (var files = Files.list(folder)) {
            options = files.filter(f -> f.getFileName().toString().startsWith("OPTIONS-")).max(Path::compareTo)
                    .orElseThrow();
        }
        String text = Files.readString(options);
        assertThat(familyOptions(text, Store.logFamily(0)))
                .contains("memtable_insert_with_hint_prefix_extractor=rocksdb.FixedPrefix.4");
        assertThat(familyOptions(text, Store.logFamily(1)))
                .contains("memtable_insert_with_hint_prefix_extractor=rocksdb.FixedPrefix.4");
        assertThat(familyOptions(text, Store.STATE_FAMILY))
                .contains("memtable_insert_with_hint_prefix_extractor=rocksdb.FixedPrefix.5");
    }

    /** The options section of one column family in an OPTIONS file. */
    private static String familyOptions(String optionsFile, String family) {
        String section = optionsFile.substring(optionsFile.indexOf("[CFOptions \"" + family + "\"]"));
        return section.substring(0, section.indexOf("[TableOptions"));
    }

    @Test
    void thousandsOfPartitionsShareOneDatabaseAndAFixedSetOfColumnFamilies() {
        Path folder = temp.resolve("wal");
        try (RocksDbWAL wal = RocksDbWAL.builder(folder).shards(4).open()) {
            List<PartitionWrite> writes = new ArrayList<>();
            for (int partition = 0; partition < 3000; partition++) {
                writes.add(PartitionWrite.append(partition,
                        List.of(new LogEntry(1, 1, EntryKind.DATA, null, "t", new byte[]{(byte) partition}))));
            }
            wal.write(WalBatch.of(writes));
        }

        try (RawStore raw = RawStore.open(folder)) {
            assertThat(raw.families()).hasSize(2 + 4);
        }
        try (RocksDbWAL wal = RocksDbWAL.open(folder)) {
            assertThat(wal.partitions()).hasSize(3000);
        }
    }

    @Test
    void shardCountOfAnExistingFolderComesFromItsFormatRecord() {
        Path folder = temp.resolve("wal");
        try (RocksDbWAL wal = RocksDbWAL.builder(folder).shards(3).open()) {
            appendOne(wal, 7);
        }

        try (RocksDbWAL wal = RocksDbWAL.builder(folder).shards(9).open()) {
            assertThat(wal.read(7, 1, 1, Long.MAX_VALUE)).hasSize(1);
        }
        try (RawStore raw = RawStore.open(folder)) {
            assertThat(raw.families()).hasSize(2 + 3);
        }
    }

    @Test
    void folderOpenInThisProcessIsRefusedAsLocked() {
        Path folder = temp.resolve("wal");
        try (RocksDbWAL first = RocksDbWAL.open(folder)) {
            assertThatThrownBy(() -> RocksDbWAL.open(folder))
                    .isInstanceOf(WalException.class)
                    .hasMessageContaining(folder.toAbsolutePath().toString())
                    .hasMessageContaining("is locked");
            appendOne(first, 1);
        }
    }

    @Test
    void folderOpenInAnotherProcessIsRefusedAsLocked() throws Exception {
        Path folder = temp.resolve("wal");
        Process holder = ChildJvm.start(CrashChild.class, temp.resolve("holder.err"), "hold", folder.toString());
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).as(() -> stderrOf("holder.err")).isEqualTo("open");

            assertThatThrownBy(() -> RocksDbWAL.open(folder))
                    .isInstanceOf(WalException.class)
                    .hasMessageContaining("is locked: another process");

            holder.getOutputStream().close();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            holder.destroyForcibly();
        }
        try (RocksDbWAL wal = RocksDbWAL.open(folder)) {
            assertThat(wal.partitions()).isEmpty();
        }
    }

    private String stderrOf(String name) {
        try {
            return Files.readString(temp.resolve(name));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void newerFormatVersionIsRefused() {
        Path folder = temp.resolve("wal");
        RocksDbWAL.builder(folder).shards(2).open().close();
        try (RawStore raw = RawStore.open(folder)) {
            raw.put(Store.STATE_FAMILY, KeyCodec.formatKey(),
                    new WalFormat(WalFormat.CURRENT_VERSION + 1, 2).encode());
        }

        assertThatThrownBy(() -> RocksDbWAL.open(folder))
                .isInstanceOf(WalException.class)
                .hasMessageContaining("uses WAL format version " + (WalFormat.CURRENT_VERSION + 1))
                .hasMessageContaining("upgrade kommander-wal-rocksdb");
    }

    @Test
    void versionOneFolderStillOpensAndIsUpgradedSoOlderLibrariesRefuseIt() {
        Path folder = temp.resolve("wal");
        try (RocksDbWAL wal = RocksDbWAL.builder(folder).shards(2).open()) {
            appendOne(wal, 3);
        }
        try (RawStore raw = RawStore.open(folder)) {
            // What a version-1 library left: its format record, and entries whose times have no node.
            raw.put(Store.STATE_FAMILY, KeyCodec.formatKey(), new WalFormat(1, 2).encode());
            byte[] key = KeyCodec.entryKey(3, 1);
            raw.put(Store.logFamily(1), key, Checksum.seal(key, HexFormat.of().parseHex("01" + "01"
                    + "0000000000000001" + "0000000000000007" + "0000000000000008" + "00000001" + "74" + "01"
                    + "00000000")));
        }

        try (RocksDbWAL wal = RocksDbWAL.open(folder)) {
            wal.write(WalBatch.of(PartitionWrite.append(3, List.of(new LogEntry(2, 1, EntryKind.DATA,
                    new HLCTimestamp(9, 0, 4), "t", new byte[]{2}, 0x0A, 1)))));
            assertThat(wal.read(3, 1, 2, Long.MAX_VALUE)).containsExactly(
                    new LogEntry(1, 1, EntryKind.DATA, new HLCTimestamp(7, 8, 0), "t", new byte[]{1}),
                    new LogEntry(2, 1, EntryKind.DATA, new HLCTimestamp(9, 0, 4), "t", new byte[]{2}, 0x0A, 1));
        }
        try (RawStore raw = RawStore.open(folder)) {
            assertThat(WalFormat.decode(raw.get(Store.STATE_FAMILY, KeyCodec.formatKey()), "test"))
                    .isEqualTo(new WalFormat(WalFormat.CURRENT_VERSION, 2));
        }
    }

    @Test
    void damagedFormatRecordIsRefused() {
        Path folder = temp.resolve("wal");
        RocksDbWAL.open(folder).close();
        try (RawStore raw = RawStore.open(folder)) {
            raw.flipByte(Store.STATE_FAMILY, KeyCodec.formatKey(), 9);
        }

        assertThatThrownBy(() -> RocksDbWAL.open(folder))
                .isInstanceOf(WalException.class)
                .hasMessageContaining("format record fails its CRC32C check");
    }

    @Test
    void nonEmptyFolderWithoutADatabaseIsRefusedAndLeftUntouched() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("photos"));
        Files.writeString(folder.resolve("holiday.jpg"), "not a WAL");

        assertThatThrownBy(() -> RocksDbWAL.open(folder))
                .isInstanceOf(WalException.class)
                .hasMessageContaining("is not empty and holds no RocksDB database")
                .hasMessageContaining("holiday.jpg");
        try (var files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("holiday.jpg");
        }
    }

    @Test
    void rocksDbDatabaseOfSomethingElseIsRefused() throws Exception {
        Path folder = temp.resolve("other-db");
        try (Options options = new Options().setCreateIfMissing(true);
             RocksDB other = RocksDB.open(options, folder.toString())) {
            other.put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
        }

        assertThatThrownBy(() -> RocksDbWAL.open(folder))
                .isInstanceOf(WalException.class)
                .hasMessageContaining("holds a RocksDB database that is not a Kommander WAL");
    }

    @Test
    void regularFileInsteadOfAFolderIsRefused() throws Exception {
        Path file = Files.writeString(temp.resolve("file"), "x");

        assertThatThrownBy(() -> RocksDbWAL.open(file))
                .isInstanceOf(WalException.class)
                .hasMessageContaining(file.toAbsolutePath().toString());
    }

    @Test
    void closingTwiceIsHarmlessAndReleasesTheFolder() {
        Path folder = temp.resolve("wal");
        RocksDbWAL wal = RocksDbWAL.open(folder);
        appendOne(wal, 2);

        wal.close();
        wal.close();

        try (RocksDbWAL reopened = RocksDbWAL.open(folder)) {
            assertThat(reopened.partitions()).containsExactly(2);
        }
    }
}
