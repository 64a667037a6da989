package io.kommander.internal.partition;

import io.kommander.transport.RaftMessage.InstallSnapshot;
import io.kommander.transport.RaftMessage.InstallSnapshotResponse;
import io.kommander.wal.LogPosition;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A follower's side of a snapshot transfer: chunks, resumption, checksums, stale snapshots, install outcomes. */
class SnapshotReceiverTest {

    private static final int CHUNK = 16;
    private static final SnapshotImage IMAGE = new SnapshotImage(new LogPosition(40, 3), new byte[] {1, 2, 3},
            new byte[] {4, 5}, "the application's state of the partition".getBytes(), new MoveHistory(
                    java.util.List.of(new MoveHistory.LoggedMove(30, false, new MoveEntry(5,
                            new io.kommander.PartitionRange(100, 199), 3))),
                    java.util.List.of(new MoveHistory.CompletedSeed(35, true, 9))).encode());
    private static final byte[] ENCODED = IMAGE.encode();
    private static final long CRC = SnapshotImage.crc(ENCODED, 0, ENCODED.length);

    private final Set<PlantedBug> bugs = EnumSet.noneOf(PlantedBug.class);
    private final SnapshotReceiver receiver = new SnapshotReceiver(1, bugs);

    private static InstallSnapshot chunk(long term, int offset, long wholeCrc) {
        byte[] data = Arrays.copyOfRange(ENCODED, offset, Math.min(ENCODED.length, offset + CHUNK));
        return new InstallSnapshot(1, term, 40, 3, ENCODED.length, wholeCrc, offset, data,
                SnapshotImage.crc(data, 0, data.length));
    }

    private static InstallSnapshot chunk(int offset) {
        return chunk(5, offset, CRC);
    }

    private InstallSnapshotResponse send(InstallSnapshot chunk) {
        SnapshotReceiver.Outcome outcome = receiver.onChunk(chunk, chunk.term(), 10);
        assertThat(outcome).isNotNull();
        assertThat(outcome.complete()).as("complete after chunk at %d", chunk.offset()).isNull();
        return outcome.answer();
    }

    /** Sends every chunk but the last; returns the offset of the last. */
    private int sendAllButLast() {
        int offset = 0;
        while (offset + CHUNK < ENCODED.length) {
            assertThat(send(chunk(offset)).heldBytes()).isEqualTo(offset + CHUNK);
            offset += CHUNK;
        }
        return offset;
    }

    @Test
    void chunksAssembleIntoTheSnapshotHandedOverOnceForInstalling() {
        int last = sendAllButLast();
        SnapshotReceiver.Outcome outcome = receiver.onChunk(chunk(last), 5, 10);
        assertThat(outcome.answer()).isNull();
        assertThat(outcome.encoded()).isEqualTo(ENCODED);
        assertThat(outcome.complete().boundary()).isEqualTo(new LogPosition(40, 3));
        assertThat(outcome.complete().state()).isEqualTo(IMAGE.state());
        assertThat(receiver.installing()).isTrue();
        assertThat(receiver.onChunk(chunk(0), 5, 10)).as("no answer while installing").isNull();

        InstallSnapshotResponse done = receiver.installEnded(5, true);
        assertThat(done.installed()).isTrue();
        assertThat(done.index()).isEqualTo(40);
        assertThat(receiver.installing()).isFalse();
        assertThat(receiver.boundary()).isNull();
    }

    @Test
    void aChunkOutOfPlaceIsAnsweredWithWhatIsHeldSoTheLeaderResumesThere() {
        send(chunk(0));
        send(chunk(CHUNK));
        assertThat(send(chunk(0)).heldBytes()).as("a duplicate").isEqualTo(2 * CHUNK);
        assertThat(send(chunk(3 * CHUNK)).heldBytes()).as("a chunk after a lost one").isEqualTo(2 * CHUNK);
        assertThat(send(chunk(2 * CHUNK)).heldBytes()).isEqualTo(3 * CHUNK);
    }

    @Test
    void aNewLeaderOfferingTheSameSnapshotResumesWhereTheOldOneStopped() {
        send(chunk(5, 0, CRC));
        send(chunk(5, CHUNK, CRC));
        InstallSnapshotResponse answer = send(chunk(6, 0, CRC));
        assertThat(answer.term()).isEqualTo(6);
        assertThat(answer.heldBytes()).isEqualTo(2 * CHUNK);
    }

    @Test
    void anotherSnapshotReplacesAPartialOneOnlyFromItsStart() {
        send(chunk(0));
        long otherCrc = CRC ^ 1;
        assertThat(send(chunk(5, CHUNK, otherCrc)).heldBytes()).as("not from its start").isZero();
        assertThat(receiver.boundary()).isEqualTo(new LogPosition(40, 3));
        assertThat(send(chunk(5, 0, otherCrc)).heldBytes()).isEqualTo(CHUNK);
        assertThat(send(chunk(5, 0, CRC)).heldBytes()).as("the first one is gone").isEqualTo(CHUNK);
    }

    @Test
    void aCorruptChunkIsRefusedAndNothingHeldIsLost() {
        send(chunk(0));
        InstallSnapshot good = chunk(CHUNK);
        byte[] flipped = good.data().clone();
        flipped[3] ^= 0x10;
        InstallSnapshot corrupt = new InstallSnapshot(1, 5, 40, 3, good.totalBytes(), CRC, CHUNK, flipped,
                good.chunkCrc());
        assertThat(send(corrupt).heldBytes()).isEqualTo(CHUNK);
        assertThat(send(good).heldBytes()).isEqualTo(2 * CHUNK);
    }

    @Test
    void aSnapshotWhoseWholeChecksumFailsIsDroppedAndSentAgainFromItsStart() {
        long wrong = CRC ^ 0xFF;
        int offset = 0;
        while (offset + CHUNK < ENCODED.length) {
            send(chunk(5, offset, wrong));
            offset += CHUNK;
        }
        SnapshotReceiver.Outcome outcome = receiver.onChunk(chunk(5, offset, wrong), 5, 10);
        assertThat(outcome.complete()).isNull();
        assertThat(outcome.answer().heldBytes()).isZero();
        assertThat(receiver.boundary()).isNull();
    }

    @Test
    void withTheChecksumsSkippedAPlantedBugLetsACorruptSnapshotThrough() {
        bugs.add(PlantedBug.ACCEPT_CORRUPT_SNAPSHOT);
        int offset = 0;
        long wrong = CRC ^ 0xFF;
        while (offset + CHUNK < ENCODED.length) {
            send(chunk(5, offset, wrong));
            offset += CHUNK;
        }
        assertThat(receiver.onChunk(chunk(5, offset, wrong), 5, 10).complete()).isNotNull();
    }

    @Test
    void aSnapshotAtOrBelowTheCommitIndexIsAnsweredAsInstalledWithoutInstalling() {
        SnapshotReceiver.Outcome outcome = receiver.onChunk(chunk(0), 5, 40);
        assertThat(outcome.complete()).isNull();
        assertThat(outcome.answer().installed()).isTrue();
        assertThat(outcome.answer().index()).isEqualTo(40);
        assertThat(receiver.installing()).isFalse();
    }

    @Test
    void aFailedInstallLosesNothingAndTheSnapshotIsSentAgainFromItsStart() {
        int last = sendAllButLast();
        assertThat(receiver.onChunk(chunk(last), 5, 10).complete()).isNotNull();
        InstallSnapshotResponse failed = receiver.installEnded(5, false);
        assertThat(failed.installed()).isFalse();
        assertThat(failed.heldBytes()).isZero();
        assertThat(send(chunk(0)).heldBytes()).isEqualTo(CHUNK);
    }

    @Test
    void theImageRoundTripsAndGarbageIsRefused() {
        SnapshotImage decoded = SnapshotImage.decode(ENCODED);
        assertThat(decoded.boundary()).isEqualTo(IMAGE.boundary());
        assertThat(decoded.configuration()).isEqualTo(IMAGE.configuration());
        assertThat(decoded.sessions()).isEqualTo(IMAGE.sessions());
        assertThat(decoded.state()).isEqualTo(IMAGE.state());
        assertThat(decoded.moves()).isEqualTo(IMAGE.moves());
        // Cut right after the state, it is a snapshot stored before move histories existed: it decodes with none.
        int withoutHistory = ENCODED.length - 4 - IMAGE.moves().length;
        for (int cut = 0; cut < ENCODED.length; cut++) {
            byte[] prefix = Arrays.copyOf(ENCODED, cut);
            if (cut == withoutHistory) {
                assertThat(SnapshotImage.decode(prefix).moves()).isEmpty();
            } else {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> SnapshotImage.decode(prefix))
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }
}
