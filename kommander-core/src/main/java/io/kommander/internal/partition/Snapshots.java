package io.kommander.internal.partition;

import io.kommander.wal.LogPosition;

import java.util.Set;

/**
 * One replica's snapshots: whether the partition has them (the application's {@code IRaftStateMachineTransfer}
 * transfers it), the latest one this replica holds (produced here or installed from a leader, and stored in the
 * WAL), which a leader sends to followers behind its compaction point, and the {@link SnapshotReceiver} of a
 * follower. Without snapshots nothing here is used and compaction follows the checkpoint model.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class Snapshots {

    /** A snapshot this replica holds: its boundary, its encoding, and the encoding's CRC32C. */
    record Local(LogPosition boundary, byte[] encoded, long crc) {

        static Local of(SnapshotImage image, byte[] encoded) {
            return new Local(image.boundary(), encoded, SnapshotImage.crc(encoded, 0, encoded.length));
        }
    }

    private final SnapshotReceiver receiver;
    private boolean enabled;
    private SnapshotThrottle throttle;
    private int chunkBytes = 1;
    private long retentionEntries;
    private long retentionBytes = Long.MAX_VALUE;
    private Local latest;
    /** The application is producing a snapshot: no other is asked for meanwhile. */
    private boolean producing;

    Snapshots(int partition, Set<PlantedBug> plantedBugs) {
        this.receiver = new SnapshotReceiver(partition, plantedBugs);
    }

    /** Turns snapshots on for this partition (before the restore). */
    void enable(SnapshotThrottle throttle, int chunkBytes, long retentionEntries, long retentionBytes) {
        this.enabled = true;
        this.throttle = throttle;
        this.chunkBytes = chunkBytes;
        this.retentionEntries = retentionEntries;
        this.retentionBytes = retentionBytes;
    }

    boolean enabled() {
        return enabled;
    }

    SnapshotThrottle throttle() {
        return throttle;
    }

    int chunkBytes() {
        return chunkBytes;
    }

    long retentionEntries() {
        return retentionEntries;
    }

    /** The bytes of committed entries kept behind the commit index for lagging members. */
    long retentionBytes() {
        return retentionBytes;
    }

    /** The latest snapshot this replica holds, or null. */
    Local latest() {
        return latest;
    }

    /** The latest snapshot's index, or 0. */
    long latestIndex() {
        return latest == null ? 0 : latest.boundary().index();
    }

    /** A snapshot newer than the latest is held (produced, installed or restored). */
    void held(Local snapshot) {
        if (latest == null || snapshot.boundary().index() >= latest.boundary().index()) {
            latest = snapshot;
        }
    }

    boolean producing() {
        return producing;
    }

    void producing(boolean producing) {
        this.producing = producing;
    }

    SnapshotReceiver receiver() {
        return receiver;
    }
}
