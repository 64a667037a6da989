package io.kommander.internal.partition;

import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.kommander.internal.partition.TestEntries.entry;
import static io.kommander.internal.partition.TestEntries.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionLogTest {

    /** Entries 1..3 of term 1, then 4..6 of term 2. */
    private static PartitionLog twoTerms() {
        PartitionLog log = new PartitionLog();
        log.append(run(1, 3, 1));
        log.append(run(4, 6, 2));
        return log;
    }

    @Test
    void termAtIsZeroAtIndexZeroAndMinusOneOutsideTheLog() {
        PartitionLog log = twoTerms();
        assertThat(log.termAt(0)).isZero();
        assertThat(log.termAt(3)).isEqualTo(1);
        assertThat(log.termAt(4)).isEqualTo(2);
        assertThat(log.termAt(7)).isEqualTo(-1);
        assertThat(log.lastIndex()).isEqualTo(6);
        assertThat(log.lastTerm()).isEqualTo(2);
    }

    @Test
    void appendMustFollowTheLastIndex() {
        PartitionLog log = twoTerms();
        assertThatThrownBy(() -> log.append(List.of(entry(8, 2)))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> log.append(List.of(entry(6, 2)))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void findConflictIsZeroWhenTheLogHoldsEveryEntry() {
        PartitionLog log = twoTerms();
        assertThat(log.findConflict(run(2, 3, 1))).isZero();
        assertThat(log.findConflict(List.of())).isZero();
    }

    @Test
    void findConflictIsTheFirstEntryPastTheLastIndex() {
        PartitionLog log = twoTerms();
        assertThat(log.findConflict(run(5, 8, 2))).isEqualTo(7);
    }

    @Test
    void findConflictIsTheFirstEntryWithAnotherTerm() {
        PartitionLog log = twoTerms();
        List<LogEntry> replacement = List.of(entry(3, 1), entry(4, 3), entry(5, 3), entry(6, 3), entry(7, 3));
        assertThat(log.findConflict(replacement)).isEqualTo(4);
    }

    @Test
    void truncateAfterDropsTheSuffixTermsAndCachedEntries() {
        PartitionLog log = twoTerms();
        log.truncateAfter(4);
        assertThat(log.lastIndex()).isEqualTo(4);
        assertThat(log.lastTerm()).isEqualTo(2);
        assertThat(log.termAt(5)).isEqualTo(-1);
        assertThat(log.entry(5)).isNull();
        assertThat(log.entry(4)).isEqualTo(entry(4, 2));
        log.append(run(5, 5, 3));
        assertThat(log.termAt(5)).isEqualTo(3);
        assertThat(log.termRunStart(5)).isEqualTo(5);
    }

    @Test
    void truncateBelowTheCacheEmptiesIt() {
        PartitionLog log = twoTerms();
        log.evictThrough(4);
        log.truncateAfter(2);
        assertThat(log.lastIndex()).isEqualTo(2);
        assertThat(log.lastTerm()).isEqualTo(1);
        assertThat(log.cacheStart()).isEqualTo(3);
        log.append(run(3, 3, 3));
        assertThat(log.entry(3)).isEqualTo(entry(3, 3));
    }

    @Test
    void truncateAtOrPastTheEndChangesNothing() {
        PartitionLog log = twoTerms();
        log.truncateAfter(6);
        log.truncateAfter(9);
        assertThat(log.lastIndex()).isEqualTo(6);
        assertThat(log.entry(6)).isEqualTo(entry(6, 2));
    }

    @Test
    void compactionKeepsTheTermOfTheCompactionPointOnly() {
        PartitionLog log = twoTerms();
        log.compactedTo(new LogPosition(4, 2));
        assertThat(log.compacted()).isEqualTo(new LogPosition(4, 2));
        assertThat(log.firstIndex()).isEqualTo(5);
        assertThat(log.termAt(4)).isEqualTo(2);
        assertThat(log.termAt(3)).isEqualTo(-1);
        assertThat(log.termAt(5)).isEqualTo(2);
        assertThat(log.entry(4)).isNull();
        assertThat(log.entries(4, 10, Long.MAX_VALUE)).isNull();
        assertThat(log.termRunStart(6)).isEqualTo(5);
    }

    @Test
    void compactionNeverMovesBack() {
        PartitionLog log = twoTerms();
        log.compactedTo(new LogPosition(4, 2));
        log.compactedTo(new LogPosition(2, 1));
        assertThat(log.compacted().index()).isEqualTo(4);
    }

    @Test
    void resetStartsAnEmptyLogAtTheCompactionPoint() {
        PartitionLog log = twoTerms();
        log.resetTo(new LogPosition(10, 3));
        assertThat(log.lastIndex()).isEqualTo(10);
        assertThat(log.lastTerm()).isEqualTo(3);
        assertThat(log.termAt(10)).isEqualTo(3);
        assertThat(log.termAt(6)).isEqualTo(-1);
        log.append(run(11, 11, 4));
        assertThat(log.entry(11)).isEqualTo(entry(11, 4));
    }

    @Test
    void rejectionHintOfAShorterLogIsItsLastIndex() {
        assertThat(twoTerms().rejectionHint(9, 0)).isEqualTo(6);
    }

    @Test
    void rejectionHintSkipsTheWholeConflictingTermRun() {
        assertThat(twoTerms().rejectionHint(5, 0)).isEqualTo(3);
        assertThat(twoTerms().rejectionHint(2, 0)).isEqualTo(0);
    }

    @Test
    void rejectionHintNeverGoesBelowTheCommitIndexNorReachesTheAnchor() {
        assertThat(twoTerms().rejectionHint(5, 4)).isEqualTo(4);
        assertThat(twoTerms().rejectionHint(4, 4)).isEqualTo(3);
    }

    @Test
    void entriesStopAtTheByteLimitButCarryAtLeastOne() {
        PartitionLog log = twoTerms();
        long one = entry(1, 1).sizeEstimate();
        assertThat(log.entries(2, 10, 2 * one)).containsExactly(entry(2, 1), entry(3, 1));
        assertThat(log.entries(2, 10, 1)).containsExactly(entry(2, 1));
        assertThat(log.entries(2, 2, Long.MAX_VALUE)).hasSize(2);
        assertThat(log.entries(7, 10, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void entriesBeforeTheCacheMustBeReadFromTheWal() {
        PartitionLog log = twoTerms();
        log.evictThrough(3);
        assertThat(log.entries(3, 10, Long.MAX_VALUE)).isNull();
        assertThat(log.entries(4, 10, Long.MAX_VALUE)).hasSize(3);
        assertThat(log.termAt(2)).isEqualTo(1);
    }

    @Test
    void trimCacheKeepsUndeliveredEntriesAndTheNewestOnes() {
        PartitionLog log = twoTerms();
        log.trimCache(2, 1, Long.MAX_VALUE);
        assertThat(log.cacheStart()).isEqualTo(3);
        log.trimCache(6, 2, Long.MAX_VALUE);
        assertThat(log.cacheStart()).isEqualTo(5);
        log.trimCache(6, 0, Long.MAX_VALUE);
        assertThat(log.cacheStart()).isEqualTo(7);
        assertThat(log.entry(6)).isNull();
    }

    @Test
    void trimCacheKeepsNoMoreAppliedEntriesThanTheByteBoundAllows() {
        PartitionLog log = twoTerms();
        long one = entry(1, 1).sizeEstimate();
        log.trimCache(6, 10, 2 * one);
        assertThat(log.cacheStart()).isEqualTo(5);
        assertThat(log.cacheBytes()).isEqualTo(2 * one);
    }

    @Test
    void trimCacheNeverEvictsUndeliveredEntriesToMeetTheByteBound() {
        PartitionLog log = twoTerms();
        long one = entry(1, 1).sizeEstimate();
        log.trimCache(3, 10, one);
        assertThat(log.cacheStart()).isEqualTo(4);
        assertThat(log.cacheBytes()).isEqualTo(3 * one);
    }

    @Test
    void cachedBytesFollowTruncationsAndEvictions() {
        PartitionLog log = twoTerms();
        long one = entry(1, 1).sizeEstimate();
        log.truncateAfter(4);
        log.evictThrough(1);
        assertThat(log.cacheBytes()).isEqualTo(3 * one);
        log.truncateAfter(0);
        assertThat(log.cacheBytes()).isZero();
    }

    @Test
    void restoredEntriesAreCachedOnlyWhenAsked() {
        PartitionLog log = new PartitionLog();
        log.appendRestored(entry(1, 1), true);
        log.appendRestored(entry(2, 1), false);
        log.appendRestored(entry(3, 1), true);
        assertThat(log.entry(2)).isNull();
        assertThat(log.entry(3)).isEqualTo(entry(3, 1));
        assertThat(log.termAt(1)).isEqualTo(1);
        assertThatThrownBy(() -> log.appendRestored(entry(5, 1), true)).isInstanceOf(IllegalStateException.class);
    }
}
