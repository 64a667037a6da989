package io.kommander.internal.partition;

import io.kommander.PartitionRange;
import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A replica's move history ({@link MoveHistory}): what {@link PartitionMoves} keeps of compacted moves, how a rebuilt
 * replica learns it back, and the rule that makes a move entry or seed appended a second time a repeat on every
 * replica alike, however each was rebuilt.
 */
class PartitionMovesHistoryTest {

    private static final PartitionRange UPPER = new PartitionRange(100, 199);

    @Test
    void aSplitEntryAppendedAgainIsARepeatAndTheFirstIsNot() {
        PartitionMoves moves = PartitionSeams.moves(split(10, 5), data(11), split(20, 5));

        assertThat(moves.repeats(split(10, 5))).isFalse();
        assertThat(moves.repeats(split(20, 5))).isTrue();
        assertThat(moves.repeats(data(11))).isFalse();
    }

    @Test
    void aSplitTowardAnotherPartitionIsNoRepeat() {
        PartitionMoves moves = PartitionSeams.moves(split(10, 5), split(20, 6));

        assertThat(moves.repeats(split(20, 6))).isFalse();
    }

    @Test
    void aReplicaRebuiltFromAHistoryJudgesTheRepeatAsTheOthersDo() {
        PartitionMoves original = PartitionSeams.moves(split(10, 5), data(11), merge(12, 7));
        byte[] stored = original.history(12).encode();

        PartitionMoves rebuilt = PartitionSeams.moves(split(20, 5), merge(21, 7));
        rebuilt.restore(MoveHistory.decode(stored));

        assertThat(rebuilt.repeats(split(20, 5))).isTrue();
        assertThat(rebuilt.repeats(merge(21, 7))).isTrue();
        assertThat(rebuilt.holdsSplitTo(5)).isTrue();
        assertThat(rebuilt.fenceGeneration()).isEqualTo(3);
    }

    @Test
    void aRebuiltReplicaWithoutItsHistoryTakesTheRepeatForANewMove() {
        PartitionMoves rebuilt = PartitionSeams.moves(split(20, 5));

        assertThat(rebuilt.repeats(split(20, 5))).isFalse();
    }

    @Test
    void aHistoryKeepsOnlyWhatIsAtOrBelowItsIndex() {
        PartitionMoves moves = PartitionSeams.moves(split(10, 5), merge(30, 7));

        MoveHistory history = MoveHistory.decode(moves.history(20).encode());

        assertThat(history.moves()).extracting(MoveHistory.LoggedMove::index).containsExactly(10L);
    }

    @Test
    void aSeedSentAgainAfterACompleteSequenceIsARepeat() {
        PartitionMoves moves = PartitionSeams.moves(chunk(10, 1, 0, 2), chunk(11, 1, 1, 2), chunk(20, 2, 0, 2),
                chunk(21, 2, 1, 2));

        assertThat(moves.repeats(chunk(10, 1, 0, 2))).isFalse();
        assertThat(moves.repeats(chunk(11, 1, 1, 2))).isFalse();
        assertThat(moves.repeats(chunk(20, 2, 0, 2))).isTrue();
        assertThat(moves.repeats(chunk(21, 2, 1, 2))).isTrue();
    }

    @Test
    void aSequenceCutShortIsSupersededNotRepeated() {
        PartitionMoves moves = PartitionSeams.moves(chunk(10, 1, 0, 2), chunk(20, 2, 0, 2), chunk(21, 2, 1, 2));

        assertThat(moves.repeats(chunk(20, 2, 0, 2))).isFalse();
        assertThat(moves.repeats(chunk(21, 2, 1, 2))).isFalse();
    }

    @Test
    void aCompleteSeedSurvivesInTheHistoryWithoutItsChunks() {
        PartitionMoves original = PartitionSeams.moves(chunk(10, 1, 0, 2), chunk(11, 1, 1, 2));
        MoveHistory history = MoveHistory.decode(original.history(11).encode());
        assertThat(history.seeds()).containsExactly(new MoveHistory.CompletedSeed(11, true, 9));

        PartitionMoves rebuilt = PartitionSeams.moves(chunk(30, 2, 0, 1));
        rebuilt.restore(history);

        assertThat(rebuilt.holdsMergeSeedFrom(9)).isTrue();
        assertThat(rebuilt.holdsMergeSeedFrom(8)).isFalse();
        assertThat(rebuilt.repeats(chunk(30, 2, 0, 1))).isTrue();
    }

    @Test
    void anEmptyOrMissingHistoryIsEmptyAndACorruptOneIsRefused() {
        assertThat(MoveHistory.decode(null)).isEqualTo(MoveHistory.EMPTY);
        assertThat(MoveHistory.decode(new byte[0])).isEqualTo(MoveHistory.EMPTY);
        byte[] encoded = PartitionSeams.moves(split(10, 5)).history(10).encode();

        assertThatThrownBy(() -> MoveHistory.decode(new byte[] {9})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format");
        assertThatThrownBy(() -> MoveHistory.decode(Arrays.copyOf(encoded, encoded.length - 3)))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] runOn = Arrays.copyOf(encoded, encoded.length + 1);
        assertThatThrownBy(() -> MoveHistory.decode(runOn)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("after the move history");
    }

    @Test
    void aSnapshotCarriesItsHistoryAndOneStoredWithoutDecodesWithNone() {
        byte[] history = PartitionSeams.moves(split(10, 5)).history(10).encode();
        SnapshotImage image = new SnapshotImage(new LogPosition(10, 2), new byte[] {1}, new byte[] {2},
                new byte[] {3, 4}, history);

        SnapshotImage decoded = SnapshotImage.decode(image.encode());
        assertThat(decoded.moves()).isEqualTo(history);
        assertThat(decoded.withState(new byte[] {5}).moves()).isEqualTo(history);

        byte[] withoutHistory = Arrays.copyOf(image.encode(), image.encode().length - 4 - history.length);
        assertThat(SnapshotImage.decode(withoutHistory).moves()).isEmpty();
        assertThat(SnapshotImage.decode(withoutHistory).state()).containsExactly(3, 4);
    }

    @Test
    void aSnapshotWithACorruptHistoryIsRefused() {
        SnapshotImage image = new SnapshotImage(new LogPosition(10, 2), new byte[0], new byte[0], new byte[0],
                new byte[] {9, 9});

        assertThatThrownBy(() -> SnapshotImage.decode(image.encode())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("move history");
    }

    private static LogEntry split(long index, int target) {
        return system(index, MoveEntry.SPLIT_TYPE, new MoveEntry(target, UPPER, 3).encode());
    }

    private static LogEntry merge(long index, int survivor) {
        return system(index, MoveEntry.MERGE_TYPE, new MoveEntry(survivor, UPPER, 4).encode());
    }

    /** Chunk {@code number} of {@code count} of sequence {@code sequence} of a merge's seed from partition 9. */
    private static LogEntry chunk(long index, long sequence, int number, int count) {
        return system(index, SeedEntry.MERGE_TYPE, new SeedEntry(9, 3, sequence, number, count,
                "state".getBytes(StandardCharsets.UTF_8)).encode());
    }

    private static LogEntry data(long index) {
        return new LogEntry(index, 1, EntryKind.DATA, HLCTimestamp.ZERO, "t", new byte[] {1});
    }

    private static LogEntry system(long index, String type, byte[] data) {
        return new LogEntry(index, 1, EntryKind.SYSTEM, HLCTimestamp.ZERO, type, data);
    }
}
