package io.kommander.internal.partition;

import io.kommander.internal.partition.LeaderReplicator.Stamp;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.transport.RaftMessage.AppendLogsResponse;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;

import static io.kommander.internal.partition.TestEntries.run;
import static org.assertj.core.api.Assertions.assertThat;

class LeaderReplicatorTest {

    /** Two appends in flight per follower, two entries per append, heartbeats every 10 ms. */
    private static final PartitionSettings SETTINGS = MachineNet.SETTINGS.toBuilder()
            .maxInflight(2).maxEntriesPerAppend(2).build();
    private static final Stamp STAMP = new Stamp(3, 0, 0, 0);

    private final PartitionLog log = new PartitionLog();
    private final LeaderReplicator replicator = new LeaderReplicator(1, log, SETTINGS,
            new Snapshots(1, EnumSet.noneOf(PlantedBug.class)), EnumSet.noneOf(PlantedBug.class));
    private Ready ready = new Ready();

    /** A leader of term 3 whose log holds 1..3 (term 1), tracking b and c. */
    private void lead() {
        lead("b", "c");
    }

    private void lead(String... followers) {
        log.append(run(1, 3, 1));
        replicator.start(List.of(followers), 0);
    }

    private List<AppendLogs> sentTo(String peer) {
        return ready.messages.stream().filter(o -> o.to().equals(peer)).map(o -> (AppendLogs) o.message()).toList();
    }

    private static List<Long> indices(AppendLogs append) {
        return append.entries().stream().map(LogEntry::index).toList();
    }

    private void answer(String peer, boolean success, long matchIndex, long now) {
        replicator.onResponse(replicator.follower(peer), new AppendLogsResponse(1, 3, success, matchIndex, 0), now);
    }

    /** b accepts a probe of 4..5 and pipelines from 6. */
    private FollowerProgress replicatingFrom6() {
        lead();
        log.append(run(4, 5, 3));
        replicator.broadcast(STAMP, ready, false);
        answer("b", true, 5, 0);
        ready = new Ready();
        return replicator.follower("b");
    }

    @Test
    void startTracksEveryFollowerInProbeFromTheEndOfTheLog() {
        lead();
        assertThat(replicator.followers()).extracting(pr -> pr.peer).containsExactly("b", "c");
        FollowerProgress b = replicator.follower("b");
        assertThat(b.state).isEqualTo(FollowerProgress.State.PROBE);
        assertThat(b.nextIndex).isEqualTo(4);
        assertThat(b.matchIndex).isZero();
        assertThat(replicator.follower("z")).isNull();
    }

    @Test
    void probeCarriesOneAppendUntilAnswered() {
        lead();
        log.append(run(4, 7, 3));
        replicator.broadcast(STAMP, ready, false);
        replicator.broadcast(STAMP, ready, false);
        assertThat(sentTo("b")).singleElement().satisfies(append -> {
            assertThat(append.prevLogIndex()).isEqualTo(3);
            assertThat(append.prevLogTerm()).isEqualTo(1);
            assertThat(indices(append)).containsExactly(4L, 5L);
        });
    }

    @Test
    void acceptedProbeStartsPipeliningWithinTheWindow() {
        FollowerProgress b = replicatingFrom6();
        assertThat(b.state).isEqualTo(FollowerProgress.State.REPLICATE);
        log.append(run(6, 11, 3));
        replicator.broadcast(STAMP, ready, false);
        assertThat(sentTo("b")).extracting(LeaderReplicatorTest::indices)
                .containsExactly(List.of(6L, 7L), List.of(8L, 9L));
        answer("b", true, 7, 0);
        ready = new Ready();
        replicator.broadcast(STAMP, ready, false);
        assertThat(sentTo("b")).extracting(LeaderReplicatorTest::indices).containsExactly(List.of(10L, 11L));
    }

    @Test
    void rejectionBacksOffToTheFollowersHint() {
        FollowerProgress b = replicatingFrom6();
        log.append(run(6, 11, 3));
        replicator.broadcast(STAMP, ready, false);
        assertThat(b.nextIndex).isEqualTo(10);
        answer("b", false, 6, 0);
        assertThat(b.state).isEqualTo(FollowerProgress.State.PROBE);
        assertThat(b.nextIndex).isEqualTo(7);
        assertThat(b.matchIndex).isEqualTo(5);
    }

    @Test
    void rejectedProbeBacksOffButNeverBelowTheMatch() {
        lead();
        answer("b", false, 1, 0);
        assertThat(replicator.follower("b").nextIndex).isEqualTo(2);
        answer("b", false, 5, 0);
        assertThat(replicator.follower("b").nextIndex).as("a stale rejection above the probe").isEqualTo(2);
    }

    @Test
    void heartbeatIsAnchoredAtTheMatchAndCarriesTheWholeCommitIndex() {
        lead();
        log.append(run(4, 7, 3));
        answer("b", true, 2, 0);
        replicator.heartbeatAll(new Stamp(3, 7, 4, 2), ready);
        assertThat(sentTo("b")).singleElement().satisfies(heartbeat -> {
            assertThat(heartbeat.entries()).isEmpty();
            assertThat(heartbeat.prevLogIndex()).isEqualTo(2);
            assertThat(heartbeat.prevLogTerm()).isEqualTo(1);
            assertThat(heartbeat.leaderCommit()).as("the follower caps it at the anchor itself").isEqualTo(7);
            assertThat(heartbeat.round()).isEqualTo(4);
            assertThat(heartbeat.safeCompactIndex()).isEqualTo(2);
        });
    }

    @Test
    void broadcastWithHeartbeatReachesFollowersWithNothingToSend() {
        lead();
        replicator.broadcast(STAMP, ready, true);
        assertThat(sentTo("b")).singleElement().satisfies(append -> assertThat(append.entries()).isEmpty());
        assertThat(sentTo("c")).hasSize(1);
    }

    @Test
    void heartbeatRoundSkipsAFollowerSentEntriesSinceThePreviousRound() {
        FollowerProgress b = replicatingFrom6();
        replicator.heartbeat(STAMP, ready, 0);
        ready = new Ready();
        log.append(run(6, 7, 3));
        replicator.broadcast(STAMP, ready, false);
        answer("b", true, 7, 1);
        ready = new Ready();
        replicator.heartbeat(STAMP, ready, 10);
        assertThat(sentTo("b")).as("b was sent 6..7 in this interval").isEmpty();
        assertThat(sentTo("c")).as("c, still probing, gets its probe").hasSize(1);
        ready = new Ready();
        replicator.heartbeat(STAMP, ready, 20);
        assertThat(sentTo("b")).as("nothing sent to b since the last round").singleElement()
                .satisfies(heartbeat -> assertThat(heartbeat.entries()).isEmpty());
        assertThat(b.state).isEqualTo(FollowerProgress.State.REPLICATE);
    }

    @Test
    void shortElectionTimeoutsKeepEveryHeartbeat() {
        PartitionSettings tight = SETTINGS.toBuilder().electionMinMillis(3 * SETTINGS.heartbeatMillis()).build();
        LeaderReplicator leader = new LeaderReplicator(1, log, tight, new Snapshots(1, EnumSet.noneOf(PlantedBug.class)),
                EnumSet.noneOf(PlantedBug.class));
        log.append(run(1, 5, 3));
        leader.start(List.of("b"), 0);
        leader.heartbeat(STAMP, ready, 10);
        assertThat(sentTo("b")).as("nothing to send yet: a heartbeat").hasSize(1);
        leader.onResponse(leader.follower("b"), new AppendLogsResponse(1, 3, true, 5, 0), 11);
        log.append(run(6, 6, 3));
        leader.broadcast(STAMP, ready, false);
        ready = new Ready();
        leader.heartbeat(STAMP, ready, 20);
        assertThat(sentTo("b")).as("an election timeout of 3 intervals: no skip").singleElement()
                .satisfies(heartbeat -> assertThat(heartbeat.entries()).isEmpty());
    }

    @Test
    void readAndQuiescenceRoundsAreNeverSkipped() {
        replicatingFrom6();
        log.append(run(6, 7, 3));
        replicator.broadcast(STAMP, ready, false);
        ready = new Ready();
        replicator.heartbeatAll(new Stamp(3, 7, 5, 0), ready);
        assertThat(sentTo("b")).singleElement().satisfies(heartbeat -> assertThat(heartbeat.round()).isEqualTo(5));
    }

    @Test
    void pipelineWithoutProgressForTwoHeartbeatsIsProbedAgain() {
        FollowerProgress b = replicatingFrom6();
        log.append(run(6, 7, 3));
        replicator.broadcast(STAMP, ready, false);
        replicator.heartbeat(STAMP, ready, 19);
        assertThat(b.state).isEqualTo(FollowerProgress.State.REPLICATE);
        ready = new Ready();
        replicator.heartbeat(STAMP, ready, 20);
        assertThat(b.state).isEqualTo(FollowerProgress.State.PROBE);
        assertThat(sentTo("b")).extracting(LeaderReplicatorTest::indices).containsExactly(List.of(6L, 7L));
    }

    /** b needs 3..4, which the cache (5..7) no longer holds: the broadcast starts a WAL read for it. */
    private void readOutForB() {
        lead("b");
        log.append(run(4, 7, 3));
        log.evictThrough(5);
        answer("b", false, 2, 0);
        replicator.broadcast(STAMP, ready, false);
    }

    @Test
    void followerBehindTheCacheIsServedByAWalRead() {
        readOutForB();
        assertThat(ready.catchUpReads).containsExactly(new Ready.CatchUpRead("b", 3, 3, 4));
        assertThat(sentTo("b")).isEmpty();
        replicator.broadcast(STAMP, ready, false);
        assertThat(ready.catchUpReads).as("one read at a time").hasSize(1);
        replicator.entriesRead("b", run(3, 4, 1), STAMP, ready);
        assertThat(sentTo("b")).extracting(LeaderReplicatorTest::indices).containsExactly(List.of(3L, 4L));
    }

    @Test
    void readReturningAfterCompactionPassedItIsNotSent() {
        readOutForB();
        log.compactedTo(new LogPosition(5, 3));
        replicator.entriesRead("b", run(3, 4, 1), STAMP, ready);
        assertThat(sentTo("b")).as("entry 2's term is compacted: nothing can anchor them").isEmpty();
        assertThat(replicator.compactedGaps()).as("treated as a compacted gap (a snapshot when enabled)").isEqualTo(1);
    }

    @Test
    void failedReadIsRetriedOnTheNextBroadcast() {
        readOutForB();
        replicator.readFailed("b");
        replicator.broadcast(STAMP, ready, false);
        assertThat(ready.catchUpReads).hasSize(2);
    }

    @Test
    void rejectionBelowTheMatchLowersItAndProbesFromTheHint() {
        FollowerProgress b = replicatingFrom6();
        answer("c", true, 5, 0);
        assertThat(replicator.minMatch(5)).isEqualTo(5);
        // b's storage was wiped: it rejects the heartbeat anchored at 5 with its last index, 0.
        answer("b", false, 0, 0);
        assertThat(b.matchIndex).isZero();
        assertThat(b.state).isEqualTo(FollowerProgress.State.PROBE);
        assertThat(b.nextIndex).isEqualTo(1);
        assertThat(replicator.minMatch(5)).as("the compaction limit follows the lowered match").isZero();
        replicator.broadcast(STAMP, ready, false);
        assertThat(sentTo("b")).singleElement().satisfies(append -> {
            assertThat(append.prevLogIndex()).isZero();
            assertThat(indices(append)).containsExactly(1L, 2L);
        });
        answer("b", true, 2, 0);
        assertThat(b.matchIndex).isEqualTo(2);
        assertThat(b.state).isEqualTo(FollowerProgress.State.REPLICATE);
    }

    @Test
    void followerNeedingCompactedEntriesIsCountedNotSent() {
        lead("b");
        log.append(run(4, 7, 3));
        log.compactedTo(new LogPosition(5, 3));
        answer("b", false, 2, 0);
        replicator.broadcast(STAMP, ready, false);
        assertThat(sentTo("b")).isEmpty();
        assertThat(replicator.compactedGaps()).isEqualTo(1);
    }

    @Test
    void activeCountCoversFollowersHeardSinceTheLastCheck() {
        lead();
        answer("b", false, 3, 0);
        assertThat(replicator.takeActiveCount(member -> true)).isEqualTo(1);
        assertThat(replicator.takeActiveCount(member -> true)).isZero();
    }

    @Test
    void matchIndicesStartWithTheLeadersOwnDurableIndex() {
        lead();
        answer("b", true, 2, 0);
        assertThat(replicator.matchIndices(List.of("a", "b", "c"), "a", 3)).containsExactly(3, 2, 0);
        assertThat(replicator.matchIndices(List.of("b", "z"), "a", 3)).as("untracked members hold nothing")
                .containsExactly(2, 0);
        assertThat(replicator.minMatch(3)).isZero();
        answer("c", true, 3, 0);
        assertThat(replicator.minMatch(3)).isEqualTo(2);
    }

    @Test
    void stopForgetsEveryFollower() {
        lead();
        replicator.stop();
        assertThat(replicator.followers()).isEmpty();
        assertThat(replicator.follower("b")).isNull();
    }
}
