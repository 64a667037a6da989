package io.kommander.internal.partition;

import io.kommander.transport.RaftMessage.InstallSnapshot;
import io.kommander.transport.RaftMessage.InstallSnapshotResponse;
import io.kommander.wal.LogPosition;

import java.util.Arrays;
import java.util.Set;

/**
 * A follower's side of a snapshot transfer: assembles one snapshot from its chunks, each checked against its
 * CRC32C, and the whole against the whole checksum, and says how many bytes it holds so that the leader resumes
 * from there (after a lost chunk, a broken connection, or a leader change: a new leader offering the same
 * snapshot, same boundary and whole checksum, continues where the old one stopped). A complete, verified snapshot
 * is handed over for installing; until the install ends (either way) chunks are not answered.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class SnapshotReceiver {

    /** What a chunk led to: an answer to send, and the verified snapshot to install (null until complete). */
    record Outcome(InstallSnapshotResponse answer, SnapshotImage complete, byte[] encoded) {
    }

    private final int partition;
    private final Set<PlantedBug> plantedBugs;
    private long index = -1;
    private long indexTerm;
    private long totalBytes;
    private long wholeCrc;
    private static final byte[] EMPTY = new byte[0];

    private byte[] buffer = EMPTY;
    private int held;
    private boolean installing;

    /**
     * @param plantedBugs the state machine's planted bugs: {@link PlantedBug#ACCEPT_CORRUPT_SNAPSHOT} takes chunks
     *                    and the whole without checking their checksums
     */
    SnapshotReceiver(int partition, Set<PlantedBug> plantedBugs) {
        this.partition = partition;
        this.plantedBugs = plantedBugs;
    }

    /** Whether a complete snapshot is being installed: the log must not change meanwhile. */
    boolean installing() {
        return installing;
    }

    /**
     * Takes a chunk.
     *
     * @param term        this replica's current term (the chunk's, past the term gate)
     * @param commitIndex this replica's commit index: a snapshot at or below it is already held
     * @return the outcome, or null if nothing is to be answered (an install is under way)
     */
    Outcome onChunk(InstallSnapshot chunk, long term, long commitIndex) {
        if (installing) {
            return null;
        }
        if (chunk.index() <= commitIndex) {
            // Everything up to the boundary is committed here already, so it matches the leader's: nothing to do.
            forget();
            return answer(chunk, term, 0, true);
        }
        boolean same = chunk.index() == index && chunk.indexTerm() == indexTerm && chunk.totalBytes() == totalBytes
                && chunk.wholeCrc() == wholeCrc;
        if (!same) {
            if (chunk.offset() != 0) {
                return answer(chunk, term, 0, false);
            }
            start(chunk);
        }
        if (chunk.offset() != held) {
            return answer(chunk, term, held, false);
        }
        byte[] data = chunk.data();
        boolean skipChecks = plantedBugs.contains(PlantedBug.ACCEPT_CORRUPT_SNAPSHOT);
        if ((!skipChecks && SnapshotImage.crc(data, 0, data.length) != chunk.chunkCrc())
                || held + (long) data.length > totalBytes) {
            return answer(chunk, term, held, false);
        }
        if (buffer.length < held + data.length) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(totalBytes, Math.max(2L * buffer.length,
                    held + (long) data.length)));
        }
        System.arraycopy(data, 0, buffer, held, data.length);
        held += data.length;
        if (held < totalBytes) {
            return answer(chunk, term, held, false);
        }
        byte[] encoded = buffer.length == held ? buffer : Arrays.copyOf(buffer, held);
        SnapshotImage image = verified(encoded);
        if (image == null) {
            forget();
            return answer(chunk, term, 0, false);
        }
        installing = true;
        return new Outcome(null, image, encoded);
    }

    /** The install of the complete snapshot ended; returns the answer for its leader. */
    InstallSnapshotResponse installEnded(long term, boolean installed) {
        InstallSnapshotResponse answer = new InstallSnapshotResponse(partition, term, index, wholeCrc,
                installed ? totalBytes : 0, installed);
        installing = false;
        forget();
        return answer;
    }

    /** Drops a partial snapshot (for example when this replica's log moved past it). */
    void forget() {
        if (!installing) {
            index = -1;
            buffer = EMPTY;
            held = 0;
        }
    }

    /** The snapshot the receiver holds or installs, or null. */
    LogPosition boundary() {
        return index < 0 ? null : new LogPosition(index, indexTerm);
    }

    private void start(InstallSnapshot chunk) {
        index = chunk.index();
        indexTerm = chunk.indexTerm();
        totalBytes = chunk.totalBytes();
        wholeCrc = chunk.wholeCrc();
        buffer = new byte[(int) Math.min(totalBytes, Math.max(chunk.data().length, 1 << 16))];
        held = 0;
    }

    private SnapshotImage verified(byte[] encoded) {
        if (!plantedBugs.contains(PlantedBug.ACCEPT_CORRUPT_SNAPSHOT)
                && SnapshotImage.crc(encoded, 0, encoded.length) != wholeCrc) {
            return null;
        }
        try {
            SnapshotImage image = SnapshotImage.decode(encoded);
            return image.boundary().equals(new LogPosition(index, indexTerm)) ? image : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private Outcome answer(InstallSnapshot chunk, long term, long heldBytes, boolean installed) {
        return new Outcome(new InstallSnapshotResponse(partition, term, chunk.index(), chunk.wholeCrc(), heldBytes,
                installed), null, null);
    }
}
