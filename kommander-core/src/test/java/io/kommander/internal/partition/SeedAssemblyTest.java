package io.kommander.internal.partition;

import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Putting a seed together from its chunks in log order: one complete sequence gives the whole state once; a sequence
 * cut short is superseded by the next chunk 0, never continued by another sequence's chunks; a chunk out of order or
 * of another sequence is a clear error that absorbs nothing and keeps the sequence under way. The log's bookkeeping
 * ({@link PartitionMoves}) holds a seed only once a sequence is complete.
 */
class SeedAssemblyTest {

    private static final byte[] STATE = SeedEntryTest.state(900);

    @Test
    void theLastChunkOfASequenceGivesTheWholeStateAndNoEarlierOne() {
        SeedAssembly assembly = new SeedAssembly(true);
        List<SeedEntry> chunks = chunks(1);

        for (SeedEntry chunk : chunks.subList(0, chunks.size() - 1)) {
            assertThat(assembly.accept(chunk)).isNull();
            assertThat(assembly.underWay()).isTrue();
        }
        assertThat(assembly.accept(chunks.get(chunks.size() - 1))).isEqualTo(STATE);
        assertThat(assembly.underWay()).isFalse();
    }

    @Test
    void aSequenceCutShortIsSupersededByTheNextLeadersWholeSequence() {
        SeedAssembly assembly = new SeedAssembly(true);
        List<SeedEntry> first = chunks(1);
        List<SeedEntry> second = chunks(2);
        first.subList(0, 2).forEach(c -> assertThat(assembly.accept(c)).isNull());

        byte[] whole = null;
        for (SeedEntry chunk : second) {
            whole = assembly.accept(chunk);
        }

        assertThat(whole).isEqualTo(STATE);
    }

    @Test
    void aChunkOfAnotherSequenceIsRefusedAndTheSequenceUnderWayGoesOn() {
        SeedAssembly assembly = new SeedAssembly(true);
        List<SeedEntry> mine = chunks(1);
        List<SeedEntry> other = chunks(2);
        assembly.accept(mine.get(0));

        assertThatThrownBy(() -> assembly.accept(other.get(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sequence 2").hasMessageContaining("not the next of the sequence under way");
        byte[] whole = null;
        for (SeedEntry chunk : mine.subList(1, mine.size())) {
            whole = assembly.accept(chunk);
        }
        assertThat(whole).as("the refused chunk changed nothing").isEqualTo(STATE);
    }

    @Test
    void aChunkOutOfOrderIsRefusedAndAbsorbsNothing() {
        SeedAssembly assembly = new SeedAssembly(true);
        List<SeedEntry> chunks = chunks(1);
        assembly.accept(chunks.get(0));

        assertThatThrownBy(() -> assembly.accept(chunks.get(chunks.size() - 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunk 1 of");
        assertThatThrownBy(() -> assembly.accept(chunks.get(2)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(assembly.underWay()).isTrue();
    }

    @Test
    void aChunkWithNoSequenceUnderWayIsRefused() {
        assertThatThrownBy(() -> new SeedAssembly(true).accept(chunks(1).get(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("follows no chunk 0");
    }

    @Test
    void theLogHoldsASeedOnlyOnceASequenceIsComplete() {
        PartitionMoves moves = new PartitionMoves();
        List<SeedEntry> cut = chunks(1);
        List<SeedEntry> whole = chunks(2);
        long index = 1;
        for (SeedEntry chunk : cut.subList(0, 3)) {
            moves.appended(entry(index++, SeedEntry.TYPE, chunk));
        }
        assertThat(moves.holdsSeed()).as("a sequence cut short").isFalse();
        long secondStarts = index;
        for (SeedEntry chunk : whole) {
            moves.appended(entry(index++, SeedEntry.TYPE, chunk));
        }
        assertThat(moves.holdsSeed()).isTrue();
        assertThat(moves.holdsMergeSeedFrom(4)).as("a split's seed is not a merge's").isFalse();

        moves.truncatedAfter(index - 2);
        assertThat(moves.holdsSeed()).as("the last chunk truncated").isFalse();
        moves.truncatedAfter(secondStarts - 1);
        assertThat(moves.holdsSeed()).isFalse();
    }

    @Test
    void theLogHoldsAMergeSeedFromItsSourceOnly() {
        PartitionMoves moves = new PartitionMoves();
        long index = 1;
        for (SeedEntry chunk : chunks(3)) {
            moves.appended(entry(index++, SeedEntry.MERGE_TYPE, chunk));
        }
        assertThat(moves.holdsMergeSeedFrom(4)).isTrue();
        assertThat(moves.holdsMergeSeedFrom(5)).isFalse();
        assertThat(moves.holdsSeed()).isFalse();
    }

    private static List<SeedEntry> chunks(long sequence) {
        List<SeedEntry> chunks = SeedEntry.chunks(SeedEntry.TYPE, 4, 17, sequence, STATE, 256);
        assertThat(chunks).hasSizeGreaterThanOrEqualTo(4);
        return chunks;
    }

    private static LogEntry entry(long index, String type, SeedEntry chunk) {
        return new LogEntry(index, 1, EntryKind.SYSTEM, new HLCTimestamp(index, 0, 1), type, chunk.encode());
    }
}
