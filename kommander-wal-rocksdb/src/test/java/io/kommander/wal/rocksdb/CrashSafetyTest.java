package io.kommander.wal.rocksdb;

import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Kills a child JVM that writes synced multi-partition batches with SIGKILL at seeded random moments, and checks
 * after every kill that each batch the child acknowledged is present, intact and in order, that batches are
 * all-or-nothing across partitions, and that no torn record is returned. The same for a child that installs
 * snapshot boundaries between its writes: every acknowledged install survives, and the log is always either the
 * one before an install or the reset one, never a mix. And the same for a child whose value log is given a torn or
 * corrupt tail after each kill, as a crash in the middle of an append leaves it: recovery cuts the tail off and
 * loses nothing acknowledged.
 */
class CrashSafetyTest {

    private static final long SEED = 0x5EED_2026L;
    private static final int KILLS = 30;
    private static final int INSTALL_KILLS = 15;
    private static final int TAIL_KILLS = 12;

    @TempDir
    Path temp;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyAcknowledgedBatchSurvivesSigkill() throws Exception {
        Path folder = temp.resolve("wal");
        Random random = new Random(SEED);
        long acknowledged = 0;
        for (int kill = 1; kill <= KILLS; kill++) {
            // Some kills land during open and recovery, the rest after a random number of acknowledged batches.
            int acksBeforeKill = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(30);
            acknowledged = Math.max(acknowledged, runAndKill(folder, "write", kill, acksBeforeKill));
            verify(folder, acknowledged, kill);
        }
        assertThat(acknowledged).isGreaterThan(KILLS);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyAcknowledgedSnapshotBoundaryInstallSurvivesSigkillWhole() throws Exception {
        Path folder = temp.resolve("wal");
        Random random = new Random(SEED + 1);
        long acknowledged = 0;
        for (int kill = 1; kill <= INSTALL_KILLS; kill++) {
            int acksBeforeKill = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(40);
            acknowledged = Math.max(acknowledged, runAndKill(folder, "install", kill, acksBeforeKill));
            try (RocksDbWAL wal = RocksDbWAL.builder(folder).verifyEveryRecordOnOpen(true).open()) {
                SnapshotInstallWorkload.Step step = SnapshotInstallWorkload.stepOf(wal);
                assertThat(step.number()).as("after kill %d, every acknowledged step is present", kill)
                        .isGreaterThanOrEqualTo(acknowledged);
                SnapshotInstallWorkload.verify(wal, step);
            }
        }
        assertThat(acknowledged).as("the run went through several installs").isGreaterThan(4 * 21);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyAcknowledgedBatchSurvivesSigkillWithATornOrCorruptValueLogTail() throws Exception {
        Path folder = temp.resolve("wal");
        Random random = new Random(SEED + 2);
        long acknowledged = 0;
        for (int kill = 1; kill <= TAIL_KILLS; kill++) {
            int acksBeforeKill = 1 + random.nextInt(30);
            acknowledged = Math.max(acknowledged, runAndKill(folder, "write", kill, acksBeforeKill));
            Path valueLog = folder.resolve(ValueLog.FOLDER);
            long undamaged = ValueLogTail.total(valueLog);
            ValueLogTail.damage(valueLog, ValueLogTail.Damage.values()[kill % ValueLogTail.Damage.values().length],
                    random);
            verify(folder, acknowledged, kill);
            assertThat(ValueLogTail.total(valueLog)).as("after kill %d, recovery cut the damaged tail off", kill)
                    .isLessThanOrEqualTo(undamaged);
        }
        assertThat(acknowledged).isGreaterThan(TAIL_KILLS);
    }

    /** Runs the child in {@code mode} until it has acknowledged {@code acks} steps, kills it, returns the last. */
    private long runAndKill(Path folder, String mode, int kill, int acks) throws IOException, InterruptedException {
        Path stderr = temp.resolve(mode + "-child-" + kill + ".err");
        Process child = ChildJvm.start(CrashChild.class, stderr, mode, folder.toString());
        long highest = 0;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            if (!"open".equals(line)) {
                fail("child " + kill + " did not open the WAL: " + line + "\n" + Files.readString(stderr));
            }
            for (int seen = 0; seen < acks; seen++) {
                line = out.readLine();
                if (line == null || !line.startsWith("ack ")) {
                    fail("child " + kill + " stopped early: " + line + "\n" + Files.readString(stderr));
                }
                long batch = Long.parseLong(line.substring(4));
                assertThat(batch).as("acks are consecutive").isGreaterThan(highest);
                highest = batch;
            }
            child.destroyForcibly();   // SIGKILL on Linux: no shutdown hooks, no RocksDB close
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exits after SIGKILL").isTrue();
        } finally {
            child.destroyForcibly();
        }
        return highest;
    }

    private static void verify(Path folder, long acknowledged, int kill) {
        try (RocksDbWAL wal = RocksDbWAL.builder(folder).verifyEveryRecordOnOpen(true).open()) {
            long last = wal.lastPosition(0).index();
            assertThat(last).as("after kill %d, every acknowledged batch is present", kill)
                    .isGreaterThanOrEqualTo(acknowledged);
            if (last == 0) {
                return;
            }
            assertThat(wal.metadata(CrashWorkload.LAST_BATCH_KEY)).as("metadata of the same batch")
                    .hasValueSatisfying(v -> assertThat(CrashWorkload.decode(v)).isEqualTo(last));
            for (int partition = 0; partition < CrashWorkload.PARTITIONS; partition++) {
                assertThat(wal.lastPosition(partition).index()).as("batch %d is all-or-nothing", last)
                        .isEqualTo(last);
                assertThat(wal.hardState(partition).commitIndex()).isEqualTo(last);
                long first = wal.compactedUpTo(partition).index() + 1;
                assertThat(first).isLessThanOrEqualTo(last + 1);
                List<LogEntry> entries = wal.read(partition, first, last, Long.MAX_VALUE);
                assertThat(entries).hasSize((int) (last - first + 1));
                for (LogEntry entry : entries) {
                    assertThat(entry).isEqualTo(CrashWorkload.entry(partition, entry.index()));
                }
            }
            assertThat(wal.compactedUpTo(0)).isIn(LogPosition.ZERO,
                    new LogPosition(wal.compactedUpTo(0).index(), 1 + wal.compactedUpTo(0).index() / 100));
        }
    }
}
