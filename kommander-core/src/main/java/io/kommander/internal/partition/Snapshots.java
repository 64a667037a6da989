package io.kommander.internal.partition;

import io.kommander.wal.LogPosition;

import java.util.Set;

/**
 * One replica's snapshots: whether the partition has them (the application's {@code IRaftStateMachineTransfer}
 * transfers it), the latest one this replica holds (produced here or installed from a leader, and stored in the
 * WAL), which a leader sends to followers behind its compaction point, and the {@link SnapshotReceiver} of a
 * follower. Without snapshots nothing here is used and compaction follows the checkpoint model.
 *
 * <p>The latest snapshot's bytes live in the WAL only: here are its boundary, size and checksum. A leader that must
 * send it reads the whole encoding back from the WAL ({@code IWAL.metadata} has no ranged read) and keeps it only
 * while some follower is being sent a snapshot ({@link #release}), so an idle partition holds no snapshot bytes.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class Snapshots {

    /** A snapshot this replica holds: its boundary, its encoding's length and CRC32C (the bytes are in the WAL). */
    record Local(LogPosition boundary, int length, long crc) {

        static Local of(SnapshotImage image, byte[] encoded) {
            return new Local(image.boundary(), encoded.length, SnapshotImage.crc(encoded, 0, encoded.length));
        }

        /** Whether {@code encoded} is this snapshot's encoding. */
        boolean encodes(byte[] encoded) {
            return encoded.length == length && SnapshotImage.crc(encoded, 0, encoded.length) == crc;
        }
    }

    private final int partition;
    private final Set<PlantedBug> plantedBugs;
    /** Made by the first snapshot chunk received: most replicas never receive one. */
    private SnapshotReceiver receiver;
    private boolean enabled;
    private SnapshotThrottle throttle;
    private int chunkBytes = 1;
    private long retentionEntries;
    private long retentionBytes = Long.MAX_VALUE;
    private Local latest;
    /** The latest snapshot's encoding, read back from the WAL while a transfer needs it; else null. */
    private byte[] loaded;
    /** A read of the latest snapshot from the WAL is under way. */
    private boolean loading;
    /** The application is producing a snapshot: no other is asked for meanwhile. */
    private boolean producing;

    Snapshots(int partition, Set<PlantedBug> plantedBugs) {
        this.partition = partition;
        this.plantedBugs = plantedBugs;
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
            if (!snapshot.equals(latest)) {
                loaded = null;
            }
            latest = snapshot;
        }
    }

    /** The latest snapshot's encoding if it is loaded (a transfer is under way), else null. */
    byte[] loaded() {
        return loaded;
    }

    /** Whether a read of the latest snapshot should start now: none is loaded, and none is under way. */
    boolean startLoading() {
        if (latest == null || loaded != null || loading) {
            return false;
        }
        loading = true;
        return true;
    }

    /**
     * The WAL's snapshot was read (null if it failed or held none): kept if it is the latest's encoding (a newer
     * snapshot may have been produced meanwhile and not be stored yet: the next send reads again).
     *
     * @return whether the latest snapshot is now loaded
     */
    boolean read(byte[] encoded) {
        loading = false;
        if (encoded != null && latest != null && latest.encodes(encoded)) {
            loaded = encoded;
        }
        return loaded != null;
    }

    /** No transfer needs the latest snapshot's bytes any more: drop them (they stay in the WAL). */
    void release() {
        loaded = null;
    }

    boolean producing() {
        return producing;
    }

    void producing(boolean producing) {
        this.producing = producing;
    }

    SnapshotReceiver receiver() {
        if (receiver == null) {
            receiver = new SnapshotReceiver(partition, plantedBugs);
        }
        return receiver;
    }

    /** Whether a snapshot is being installed here (false before any chunk came). */
    boolean installing() {
        return receiver != null && receiver.installing();
    }
}
