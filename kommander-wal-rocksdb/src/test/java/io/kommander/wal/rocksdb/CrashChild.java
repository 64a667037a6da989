package io.kommander.wal.rocksdb;

import io.kommander.wal.LogPosition;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child process of the crash and lock tests.
 *
 * <ul>
 *   <li>{@code write FOLDER}: continues the {@link CrashWorkload} from the WAL's last batch, printing
 *       {@code ack N} after {@code write} of batch N returns, until killed.</li>
 *   <li>{@code install FOLDER}: continues the {@link SnapshotInstallWorkload} from the WAL's step, printing
 *       {@code ack N} after step N (a write or a snapshot boundary install) returns, until killed.</li>
 *   <li>{@code hold FOLDER}: opens the WAL, prints {@code open}, and keeps it open until stdin closes.</li>
 * </ul>
 */
public final class CrashChild {

    /** The child's value log segment size: a few batches of {@link CrashWorkload} each. */
    static final long SEGMENT_BYTES = 256L << 10;

    private CrashChild() {
    }

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[1]);
        // Small value log segments, so that kills also land around segment rollovers.
        try (RocksDbWAL wal = RocksDbWAL.builder(folder).shards(4).valueLogSegmentBytes(SEGMENT_BYTES).open()) {
            System.out.println("open");
            System.out.flush();
            if (args[0].equals("hold")) {
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                return;
            }
            if (args[0].equals("install")) {
                for (SnapshotInstallWorkload.Step step = SnapshotInstallWorkload.stepOf(wal); ; ) {
                    step = SnapshotInstallWorkload.next(wal, step);
                    System.out.println("ack " + step.number());
                    System.out.flush();
                }
            }
            for (long batch = wal.lastPosition(0).index() + 1; ; batch++) {
                wal.write(CrashWorkload.batch(batch));
                System.out.println("ack " + batch);
                System.out.flush();
                if (batch % CrashWorkload.COMPACT_EVERY == 0) {
                    wal.compact(0, new LogPosition(batch - 8, 1 + (batch - 8) / 100));
                }
            }
        }
    }
}
