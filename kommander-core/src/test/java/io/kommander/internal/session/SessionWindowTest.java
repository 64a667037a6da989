package io.kommander.internal.session;

import io.kommander.RaftOperationStatus;
import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionWindowTest {

    private static final SessionLimits LIMITS = new SessionLimits(3, 2, 1_000);

    private final SessionWindow window = new SessionWindow(LIMITS);
    private long nextIndex = 1;

    /** The next entry of {@code client}'s request {@code sequence}, at log time {@code millis}. */
    private static LogEntry request(long index, long millis, long client, long sequence) {
        return new LogEntry(index, 1, EntryKind.DATA, new HLCTimestamp(millis, 0, 0), "t", new byte[] {1}, client,
                sequence);
    }

    private Verdict apply(long millis, long client, long sequence) {
        return window.apply(request(nextIndex++, millis, client, sequence));
    }

    private Verdict applyPlain(long millis) {
        return window.apply(new LogEntry(nextIndex++, 1, EntryKind.DATA, new HLCTimestamp(millis, 0, 0), "t", null));
    }

    @Test
    void newRequestIsAppliedAndItsRepeatAnswersTheOriginal() {
        Verdict first = apply(100, 7, 1);
        Verdict again = apply(150, 7, 1);

        assertThat(first.outcome()).isEqualTo(Verdict.Outcome.APPLIED);
        assertThat(first.result().logIndex()).isEqualTo(1);
        assertThat(again.delivered()).isFalse();
        assertThat(again.result()).isEqualTo(first.result());
        assertThat(window.lookup(7, 1)).isEqualTo(again);
    }

    @Test
    void sequenceOneOpensASessionAndAnUnknownSessionAboveOneIsExpired() {
        assertThat(apply(100, 7, 2).outcome()).isEqualTo(Verdict.Outcome.EXPIRED);
        assertThat(apply(100, 7, 2).result().status()).isEqualTo(RaftOperationStatus.SessionExpired);
        assertThat(window.size()).isZero();
        assertThat(apply(100, 7, 1).delivered()).isTrue();
        assertThat(apply(100, 7, 5).delivered()).as("gaps are allowed").isTrue();
    }

    @Test
    void sequenceAtOrBelowTheHighestWithoutARememberedResultIsTooOld() {
        apply(100, 7, 1);
        apply(100, 7, 3);
        apply(100, 7, 4);

        assertThat(apply(100, 7, 1).result().status()).as("forgotten: two results are kept")
                .isEqualTo(RaftOperationStatus.DuplicateTooOld);
        assertThat(apply(100, 7, 2).result().status()).as("never applied, below the highest")
                .isEqualTo(RaftOperationStatus.DuplicateTooOld);
        assertThat(apply(100, 7, 3).result().logIndex()).isEqualTo(2);
        assertThat(window.lookup(7, 1).outcome()).isEqualTo(Verdict.Outcome.TOO_OLD);
    }

    @Test
    void lookupLeavesNewRequestsAndUnknownSessionsUndecided() {
        apply(100, 7, 1);
        assertThat(window.lookup(7, 2)).isNull();
        assertThat(window.lookup(8, 5)).as("decided by its entry: its session may open before it").isNull();
    }

    @Test
    void sessionExpiresAfterItsTtlOfLogTime() {
        apply(100, 7, 1);
        assertThat(apply(1_100, 7, 2).delivered()).as("1,000 ms of log time is not more than the TTL").isTrue();
        apply(1_500, 8, 1);
        applyPlain(2_101);

        assertThat(window.size()).as("7 was last active at 1,100, 8 at 1,500").isEqualTo(1);
        assertThat(apply(2_101, 7, 3).result().status()).isEqualTo(RaftOperationStatus.SessionExpired);
        assertThat(apply(2_101, 8, 2).delivered()).isTrue();
    }

    @Test
    void logTimeNeverGoesBackAndASessionIsActiveAtLogTime() {
        apply(100, 7, 1);
        applyPlain(1_050);
        // A commit entry carries its proposal's old ticket: log time stays where it was.
        window.apply(new LogEntry(nextIndex++, 1, EntryKind.COMMIT, new HLCTimestamp(90, 0, 0), "t", null));
        assertThat(window.logTime()).isEqualTo(new HLCTimestamp(1_050, 0, 0));
        apply(50, 8, 1);
        applyPlain(1_900);

        assertThat(apply(1_900, 7, 2).outcome()).isEqualTo(Verdict.Outcome.EXPIRED);
        assertThat(apply(1_900, 8, 2).delivered()).as("active at log time 1,050, not at its entry's 50").isTrue();
    }

    @Test
    void openingBeyondTheLimitEvictsTheLeastRecentlyActive() {
        apply(100, 1, 1);
        apply(100, 2, 1);
        apply(100, 3, 1);
        apply(100, 1, 2); // 1 is now the most recent: 2 is the least
        apply(100, 4, 1);

        assertThat(window.size()).isEqualTo(3);
        assertThat(apply(100, 2, 2).outcome()).isEqualTo(Verdict.Outcome.EXPIRED);
        assertThat(apply(100, 1, 3).delivered()).isTrue();
        assertThat(apply(100, 3, 2).delivered()).isTrue();
    }

    @Test
    void entriesAtOrBelowTheAppliedIndexChangeNothing() {
        LogEntry entry = request(1, 100, 7, 1);
        window.apply(entry);
        long fingerprint = window.fingerprint();

        assertThat(window.apply(entry).delivered()).isTrue();
        assertThat(window.fingerprint()).isEqualTo(fingerprint);
    }

    @Test
    void snapshotRestoresTheWindowAndWhichRetainedEntriesWereRefused() {
        apply(100, 7, 1);                         // 1
        apply(110, 7, 1);                         // 2: refused
        apply(120, 8, 1);                         // 3
        apply(130, 8, 1);                         // 4: refused
        apply(140, 9, 2);                         // 5: refused (expired)
        byte[] snapshot = SessionCodec.encode(new LogPosition(3, 1), window);

        SessionCodec.Snapshot restored = SessionCodec.decode(snapshot, LIMITS);

        assertThat(restored.compactedTo()).isEqualTo(new LogPosition(3, 1));
        SessionWindow copy = restored.window();
        assertThat(copy.appliedIndex()).isEqualTo(5);
        assertThat(copy.fingerprint()).isEqualTo(window.fingerprint());
        assertThat(copy.apply(request(4, 130, 8, 1)).delivered()).isFalse();
        assertThat(copy.apply(request(5, 140, 9, 2)).delivered()).isFalse();
        assertThat(copy.lookup(7, 1).result().logIndex()).isEqualTo(1);
        assertThat(copy.apply(request(6, 150, 7, 2)).delivered()).isTrue();
    }

    @Test
    void compactionForgetsRefusedEntriesAtOrBelowIt() {
        apply(100, 7, 1);
        apply(100, 7, 1);
        apply(100, 7, 1);
        window.compacted(2);

        SessionWindow copy = SessionCodec.decode(SessionCodec.encode(new LogPosition(2, 1), window), LIMITS).window();

        assertThat(window.refused()).containsExactly(3L);
        assertThat(copy.refused()).containsExactly(3L);
    }

    @Test
    void snapshotRestoredUnderSmallerLimitsKeepsTheMostRecent() {
        apply(100, 1, 1);
        apply(100, 1, 2);
        apply(100, 2, 1);
        apply(100, 3, 1);

        SessionWindow copy = SessionCodec.decode(SessionCodec.encode(LogPosition.ZERO, window),
                new SessionLimits(2, 1, 1_000)).window();

        assertThat(copy.size()).isEqualTo(2);
        assertThat(copy.lookup(1, 2)).isNull();
        assertThat(copy.lookup(2, 1).result().logIndex()).isEqualTo(3);
    }

    @Test
    void corruptSnapshotsAreRefusedByName() {
        apply(100, 7, 1);
        byte[] good = SessionCodec.encode(LogPosition.ZERO, window);

        byte[] version = good.clone();
        version[0] = 9;
        byte[] hugeCount = good.clone();
        hugeCount[1 + 8 * 5 + 4] = 0x7F;
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);

        assertThatThrownBy(() -> SessionCodec.decode(version, LIMITS)).hasMessageContaining("unknown version 9");
        assertThatThrownBy(() -> SessionCodec.decode(hugeCount, LIMITS)).hasMessageContaining("count");
        assertThatThrownBy(() -> SessionCodec.decode(java.util.Arrays.copyOf(good, 10), LIMITS))
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> SessionCodec.decode(java.util.Arrays.copyOf(good, good.length - 3), LIMITS))
                .hasMessageContaining("results count 1 exceeds");
        assertThatThrownBy(() -> SessionCodec.decode(trailing, LIMITS)).hasMessageContaining("after the last");
    }

    /**
     * The property every replica relies on: the window is a function of the entries applied, and a window restored
     * from a snapshot taken anywhere decides every later entry as the one that never stopped.
     */
    @Test
    void restoredWindowDecidesLaterEntriesAsTheOneThatNeverStopped() {
        SplittableRandom random = new SplittableRandom(42);
        List<LogEntry> entries = new ArrayList<>();
        long[] sequences = new long[6];
        long[] clientIds = {1, 2, 3, 4, 5, 6};
        long millis = 0;
        for (long index = 1; index <= 2_000; index++) {
            millis += random.nextInt(60);
            int client = random.nextInt(sequences.length);
            if (random.nextInt(8) == 0) {
                entries.add(new LogEntry(index, 1, EntryKind.DATA, new HLCTimestamp(millis, 0, 0), "t", null));
                continue;
            }
            if (random.nextInt(40) == 0) {
                // The client starts over with a new id, as one told SessionExpired does.
                clientIds[client] += sequences.length;
                sequences[client] = 0;
            }
            long sequence = random.nextInt(4) == 0 ? Math.max(1, sequences[client] - random.nextInt(4))
                    : ++sequences[client];
            entries.add(request(index, millis, clientIds[client], sequence));
        }
        SessionWindow continuous = new SessionWindow(LIMITS);
        List<Verdict> verdicts = entries.stream().map(continuous::apply).toList();
        for (int cut : new int[] {0, 1, 500, 1_337, 1_999}) {
            SessionWindow before = new SessionWindow(LIMITS);
            entries.subList(0, cut).forEach(before::apply);
            SessionWindow resumed = SessionCodec.decode(SessionCodec.encode(LogPosition.ZERO, before), LIMITS)
                    .window();
            List<Verdict> later = entries.subList(cut, entries.size()).stream().map(resumed::apply).toList();

            assertThat(later).as("verdicts after a snapshot at %d", cut)
                    .isEqualTo(verdicts.subList(cut, verdicts.size()));
            assertThat(resumed.fingerprint()).isEqualTo(continuous.fingerprint());
        }
        assertThat(verdicts).extracting(Verdict::outcome).contains(Verdict.Outcome.APPLIED,
                Verdict.Outcome.DUPLICATE, Verdict.Outcome.TOO_OLD, Verdict.Outcome.EXPIRED);
    }
}
