package io.kommander.internal.partition;

import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.RequestId;
import io.kommander.time.HLCTimestamp;
import io.kommander.transport.RaftMessage.AppendLogsResponse;
import io.kommander.transport.RaftMessage.InstallSnapshotResponse;
import io.kommander.transport.RaftMessage.Quiesce;
import io.kommander.transport.RaftMessage.TimeoutNow;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a replica does while it leads one term: takes writes, commits what a majority holds durably, confirms
 * leadership for reads (ReadIndex), hands leadership over, sends heartbeats and steps down without a quorum.
 * {@link LeaderReplicator} decides what each follower is sent, {@link LeaderWrites} turns writes into entries. The
 * state machine checks the role: it calls the leader's methods only between {@link #start} and {@link #stop}. A
 * transfer outlives the leadership until the next leader is known, so {@link #expireTransfer} and
 * {@link #otherLeaderKnown} are called on any role, as is {@link #failPendingWrites} (a campaign fails whatever
 * waits, which is nothing once {@link #stop} ran).
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class Leadership {

    private final int partition;
    private final String self;
    private final PartitionSettings settings;
    private final ReplicaLog replicaLog;
    private final PartitionLog log;
    private final ProposalTracker proposals;
    private final EnumSet<PlantedBug> plantedBugs;
    private final LeaderReplicator replicator;
    private final LeadershipTransfer transfer = new LeadershipTransfer();
    private final ReadIndexTracker reads = new ReadIndexTracker();
    private final Quiescence quiescence;
    private final LeaderWrites writes;

    private long term;
    /** The no-op entry this leader appended on election: it serves reads only once that is applied. */
    private long barrierIndex;
    /** Entries, acknowledgements or a transfer wait to be sent to followers at the next {@link #flush}. */
    private boolean appendPending;
    private long lastHeartbeatSent;
    private long lastQuorumCheck;
    /** When this replica started leading its term, to tell a follower not heard from yet from a silent one. */
    private long startedAt;

    Leadership(int partition, String self, PartitionSettings settings, ReplicaLog replicaLog,
               ProposalTracker proposals, EnumSet<PlantedBug> plantedBugs, Snapshots snapshots,
               Quiescence quiescence) {
        this.partition = partition;
        this.self = self;
        this.settings = settings;
        this.replicaLog = replicaLog;
        this.log = replicaLog.log();
        this.proposals = proposals;
        this.plantedBugs = plantedBugs;
        this.replicator = new LeaderReplicator(partition, log, settings, snapshots, plantedBugs);
        this.quiescence = quiescence;
        this.writes = new LeaderWrites(self, settings, replicaLog, proposals, plantedBugs, replicator, transfer,
                new Leader());
    }

    /** Starts leading {@code term}: tracks every follower and appends the barrier entry. */
    void start(long term, long now, Ready ready) {
        if (transfer.inProgress()) {
            // This replica won an election itself: the transfer it started as an earlier leader failed.
            transfer.finish(RaftOperationStatus.Errored, ready);
        }
        this.term = term;
        replicator.start(replicaLog.configuration().othersThan(self), now);
        startedAt = now;
        lastQuorumCheck = now;
        lastHeartbeatSent = now;
        replicaLog.resetSafeCompactIndex();
        appendBarrier();
        barrierIndex = log.lastIndex();
        maybeCommit(ready);
    }

    /** The partition fell asleep: gives back memory that only a working leader uses. */
    void releaseWhileAsleep() {
        replicator.releaseWindows();
        reads.release();
    }

    /** Stops leading: forgets followers, fails writes and reads in flight. A transfer waits for the next leader. */
    void stop(Ready ready) {
        replicator.stop();
        // The writes were appended: the next leader may commit them, so their outcome is unknown.
        failPendingWrites(plantedBugs.contains(PlantedBug.REPORT_APPENDED_AS_NOT_APPENDED)
                ? RaftOperationStatus.NodeIsNotLeader : RaftOperationStatus.LeaderInOldTerm, ready);
        for (long request : reads.takeAll()) {
            ready.completeStatus(request, RaftOperationStatus.NodeIsNotLeader);
        }
        appendPending = false;
    }

    /** Whether the barrier entry is applied: the leader may serve reads. */
    boolean barrierApplied() {
        return replicaLog.appliedIndex() >= barrierIndex;
    }

    /** Sends refused because a follower needs compacted entries. */
    /** Each follower's match index (the highest index it is known to hold), in the followers' order. */
    Map<String, Long> followerMatchIndices() {
        Map<String, Long> matches = new LinkedHashMap<>();
        for (FollowerProgress pr : replicator.followers()) {
            matches.put(pr.peer, pr.matchIndex);
        }
        return matches;
    }

    /**
     * The members that hold everything committed here (or take appends as they come) and answered within
     * {@code withinMillis} of {@code now}, this leader included: the ones a configuration without some member could
     * count on to commit. Null while that is not known yet: this leader started less than {@code withinMillis} ago
     * and some follower has not answered it.
     */
    Set<String> currentMembers(long now, long withinMillis) {
        Set<String> current = new TreeSet<>();
        current.add(self);
        boolean young = now - startedAt < withinMillis;
        for (FollowerProgress pr : replicator.followers()) {
            if (pr.lastHeardAt < 0 && young) {
                return null;
            }
            // Replicating is keeping up: an acknowledgement may trail the newest commit by a heartbeat.
            boolean keepsUp = pr.matchIndex >= replicaLog.commitIndex()
                    || pr.state == FollowerProgress.State.REPLICATE;
            if (pr.lastHeardAt >= 0 && now - pr.lastHeardAt <= withinMillis && keepsUp) {
                current.add(pr.peer);
            }
        }
        return current;
    }

    /** How far the furthest-behind follower is from the log's end, in entries. */
    long followerLag() {
        return replicator.maxLag(log.lastIndex());
    }

    long compactedGaps() {
        return replicator.compactedGaps();
    }

    // ------------------------------------------------------------------ time

    /**
     * A tick: heartbeats, check-quorum, write time-outs, and the rollback of manual proposals left open past their
     * time-to-live.
     *
     * @return false if no quorum was heard from in the last check-quorum period: the leader must step down
     */
    boolean tick(long now, Ready ready) {
        if (now - lastHeartbeatSent >= settings.heartbeatMillis()) {
            lastHeartbeatSent = now;
            replicator.heartbeat(stamp(), ready, now);
        }
        if (now - lastQuorumCheck >= settings.checkQuorumMillis()) {
            lastQuorumCheck = now;
            Configuration configuration = replicaLog.configuration();
            int active = replicator.takeActiveCount(configuration::isVoter) + (configuration.isVoter(self) ? 1 : 0);
            if (!quorum().isMajority(active)) {
                return false;
            }
        }
        for (ProposalTracker.Pending expired : proposals.takeExpired(now)) {
            ready.failWrite(expired.requestId(), RaftOperationStatus.ProposalTimeout, null, expired.ticket());
        }
        if (!transfer.inProgress()) {
            List<HLCTimestamp> abandoned = proposals.takeAbandoned(now, settings.proposalTimeToLiveMillis());
            abandoned.forEach(ticket -> writes.appendSettlement(ticket, false));
            if (!abandoned.isEmpty()) {
                maybeCommit(ready);
            }
        }
        towardQuiescence(ready);
        return true;
    }

    /** Counts an idle tick; after enough, proves every follower caught up, then sends them Quiesce and sleeps. */
    private void towardQuiescence(Ready ready) {
        switch (quiescence.leaderTick(idle(), replicator::allAcknowledged, log.lastIndex())) {
            case START_ROUND -> {
                quiescence.roundStarted(reads.nextRound());
                replicator.heartbeatAll(stamp(), ready);
            }
            case QUIESCE -> {
                long index = log.lastIndex();
                for (String peer : replicator.peers()) {
                    ready.messages.add(new Ready.Outbound(peer, new Quiesce(partition, term, index, log.termAt(index))));
                }
            }
            case WAIT -> {
            }
        }
    }

    /**
     * Whether this leader has nothing to do: everything appended is durable, committed and applied here and held
     * by every member, and no write, read, manual proposal, configuration change or transfer waits. Only then may it
     * quiesce: a quiesced partition is fully replicated.
     */
    boolean idle() {
        long last = log.lastIndex();
        return !transfer.inProgress() && reads.idle() && proposals.isEmpty()
                && replicaLog.commitIndex() == last && replicaLog.appliedIndex() == last
                && replicaLog.durableIndex() >= last && !replicaLog.configurationChangePending()
                && replicator.followers().size() == replicaLog.configuration().countOthersThan(self)
                && replicator.allCaughtUp(last);
    }

    /**
     * The leader wakes from quiescence: check-quorum starts a fresh period (no follower was asked anything while it
     * slept), and the next tick heartbeats at once, in a new round: sleeping followers take a heartbeat of an old
     * round for an echo and ignore it, so only a new one wakes them to answer (else the leader, hearing no quorum,
     * would step down).
     */
    void awaken(long now) {
        reads.nextRound();
        lastQuorumCheck = now;
        replicator.takeActiveCount(member -> false);
        replicator.awaken(now);
        lastHeartbeatSent = now - settings.heartbeatMillis();
    }

    /** Whether a leadership transfer is under way: its time-out needs the clock, whatever the role. */
    boolean transferring() {
        return transfer.inProgress();
    }

    /**
     * Ends a transfer (on any role) whose deadline passed. A replica that still leads appends a barrier entry of its
     * term: the target of a TimeoutNow still in flight then holds an entry past the TimeoutNow's index once it hears
     * from this leader again, and ignores it (see {@link TimeoutNow#lastLogIndex()}).
     *
     * @param leading whether this replica leads (between {@link #start} and {@link #stop})
     */
    void expireTransfer(long now, boolean leading, Ready ready) {
        if (transfer.expiredAt(now)) {
            transfer.finish(RaftOperationStatus.ProposalTimeout, ready);
            if (leading) {
                appendBarrier();
                maybeCommit(ready);
            }
        }
    }

    /** Another member became leader (on any role): a transfer in progress ends, successfully if it was the target. */
    void otherLeaderKnown(String newLeader, Ready ready) {
        if (transfer.inProgress()) {
            transfer.finish(transfer.outcomeFor(newLeader), ready);
        }
    }

    // ------------------------------------------------------------------ client requests

    /**
     * Appends a write: one entry per payload, one ticket, completing when the last entry is applied here (see
     * {@link LeaderWrites#propose(long, EntryKind, String, List, HLCTimestamp, long, Ready)}).
     */
    void propose(long requestId, EntryKind kind, String logType, List<byte[]> payloads, HLCTimestamp ticket,
                 long now, Ready ready) {
        writes.propose(requestId, kind, logType, payloads, ticket, now, ready);
    }

    /** Appends a write carrying a client request id (see {@link LeaderWrites#propose}). */
    void propose(long requestId, EntryKind kind, String logType, List<byte[]> payloads, HLCTimestamp ticket,
                 RequestId clientRequest, long now, Ready ready) {
        writes.propose(requestId, kind, logType, payloads, ticket, clientRequest, now, ready);
    }

    /** Appends the commit (or rollback) entry of a manual proposal (see {@link LeaderWrites#settle}). */
    void settle(long requestId, HLCTimestamp ticket, boolean commit, long now, Ready ready) {
        writes.settle(requestId, ticket, commit, now, ready);
    }

    /** Changes the configuration by one member (see {@link LeaderWrites#changeConfiguration}). */
    void changeConfiguration(long requestId, ConfigurationChange change, long now, Ready ready) {
        writes.changeConfiguration(requestId, change, now, ready);
    }

    /** Fails every write waiting for commitment. */
    void failPendingWrites(RaftOperationStatus status, Ready ready) {
        for (ProposalTracker.Pending pending : proposals.takeAll()) {
            ready.failWrite(pending.requestId(), status, null, pending.ticket());
        }
    }

    /** Asks to confirm leadership for a linearizable read. */
    void readIndex(long requestId, Ready ready) {
        reads.request(requestId);
        maybeStartReadRound(ready);
    }

    /** Hands leadership to {@code target}: stops taking writes, catches it up, then tells it to campaign. */
    void transferTo(String target, long requestId, long now, Ready ready) {
        if (target.equals(self) || plantedBugs.contains(PlantedBug.TRANSFER_SUCCESS_EARLY)) {
            ready.completeStatus(requestId, RaftOperationStatus.Success);
        } else if (!replicaLog.configuration().isVoter(target) || replicator.follower(target) == null
                || transfer.inProgress()) {
            ready.completeStatus(requestId, RaftOperationStatus.Errored);
        } else {
            transfer.begin(target, requestId, now + settings.electionMaxMillis());
            maybeSendTimeoutNow(ready);
            appendPending = true;
        }
    }

    // ------------------------------------------------------------------ replication

    /** A follower answered an AppendLogs of this term. */
    void onAppendResponse(String from, AppendLogsResponse response, long now, Ready ready) {
        // The term gate lets through only responses of this term, and a leader tracks every member.
        FollowerProgress follower = replicator.follower(from);
        if (follower == null) {
            // A member removed from the configuration answering an AppendLogs sent before its removal.
            return;
        }
        replicator.onResponse(follower, response, now);
        if (response.success()) {
            if (replicaLog.configuration().isVoter(from)
                    && reads.acknowledge(from, response.round(), quorum().majority())) {
                completeReads(ready);
                maybeStartReadRound(ready);
            }
            maybeCommit(ready);
            raiseSafeCompactIndex();
            maybeSendTimeoutNow(ready);
        }
        appendPending = true;
    }

    /** A follower answered a snapshot chunk of this term: send the next one, or go on from the log. */
    void onSnapshotResponse(String from, InstallSnapshotResponse response, long now, Ready ready) {
        FollowerProgress follower = replicator.follower(from);
        if (follower == null) {
            return;
        }
        if (replicator.onSnapshotResponse(follower, response, now)) {
            ready.snapshotsSent++;
            maybeCommit(ready);
            raiseSafeCompactIndex();
        }
        appendPending = true;
    }

    /** The latest snapshot was read back from the WAL: send it on to the followers that need it. */
    void snapshotLoaded(Ready ready) {
        replicator.snapshotLoaded(stamp(), ready);
    }

    /** Entries read from the WAL for a follower behind the log cache. */
    void entriesRead(String peer, List<LogEntry> entries, Ready ready) {
        replicator.entriesRead(peer, entries, stamp(), ready);
    }

    /** A catch-up read failed; the follower is served again on the next heartbeat. */
    void readFailed(String peer) {
        replicator.readFailed(peer);
    }

    /** Commits what a majority holds durably, if it is of this term (Raft never commits older terms by counting). */
    void maybeCommit(Ready ready) {
        Configuration configuration = replicaLog.configuration();
        long selfDurable = Math.min(replicaLog.durableIndex(), log.lastIndex());
        Collection<String> counted = configuration.voters();
        if (plantedBugs.contains(PlantedBug.LEARNER_COUNTS_IN_QUORUM)) {
            counted = new ArrayList<>(counted);
            counted.addAll(configuration.learners());
        }
        long candidate = new Quorum(counted.size()).committedIndex(
                replicator.matchIndices(counted, self, selfDurable));
        boolean currentTerm = log.termAt(candidate) == term
                || plantedBugs.contains(PlantedBug.COMMIT_OLD_TERM_BY_COUNTING);
        if (candidate > replicaLog.commitIndex() && currentTerm) {
            if (replicaLog.commitTo(candidate, ready)) {
                onApplied(ready);
            }
            appendPending = true;
            raiseSafeCompactIndex();
            if (!replicaLog.configurationChangePending()) {
                // The change committed: stop sending to a member it removed (it was sent the entry meanwhile).
                replicator.retainOnly(replicaLog.configuration());
            }
        }
    }

    /** Whether this leader's removal from the voters has committed: it must step down. */
    boolean removedFromVoters() {
        return !replicaLog.configuration().isVoter(self) && !replicaLog.configurationChangePending();
    }

    /** The majority arithmetic of the current configuration's voters. */
    private Quorum quorum() {
        return new Quorum(replicaLog.configuration().voters().size());
    }

    /**
     * Raises the compaction limit to what every member holds durably. Both a follower's answer and this leader's own
     * commit move it (the limit never passes the commit index): a leader without followers hears no answers at all.
     */
    private void raiseSafeCompactIndex() {
        replicaLog.raiseSafeCompactIndex(replicator.minMatch(replicaLog.durableIndex()));
    }

    /** Entries were delivered here: complete the writes and reads waiting for them. */
    void onApplied(Ready ready) {
        // Writes complete once applied here, so a caller that sees success can read its write on this node.
        for (ProposalTracker.Pending done : proposals.takeCommitted(replicaLog.appliedIndex())) {
            if (log.termAt(done.lastIndex()) == done.term()) {
                RaftReplicationResult outcome = proposals.outcome(done.lastIndex());
                ready.completions.add(new Ready.Completion(done.requestId(), outcome != null ? outcome
                        : RaftReplicationResult.success(done.ticket(), done.lastIndex())));
            } else {
                ready.failWrite(done.requestId(), RaftOperationStatus.LeaderInOldTerm, null, done.ticket());
            }
        }
        completeReads(ready);
        maybeStartReadRound(ready);
    }

    /** Sends what followers are owed since the last flush. */
    /** Whether entries were appended since the last {@link #flush}: only then has the flush anything to send. */
    boolean hasAppendPending() {
        return appendPending;
    }

    void flush(Ready ready) {
        if (appendPending) {
            replicator.broadcast(stamp(), ready, false);
        }
        appendPending = false;
    }

    /** Appends a no-op entry of this term, which the application never sees. */
    private void appendBarrier() {
        append(List.of(new LogEntry(log.lastIndex() + 1, term, EntryKind.BARRIER, HLCTimestamp.ZERO, "", null)));
    }

    private void append(List<LogEntry> entries) {
        replicaLog.append(entries);
        appendPending = true;
    }

    /** What every AppendLogs of this leader carries now. */
    private LeaderReplicator.Stamp stamp() {
        return new LeaderReplicator.Stamp(term, replicaLog.commitIndex(), reads.currentRound(),
                replicaLog.safeCompactIndex());
    }

    private void maybeStartReadRound(Ready ready) {
        long commitIndex = replicaLog.commitIndex();
        if (!barrierApplied() || commitIndex < barrierIndex || !reads.canStartRound()) {
            return;
        }
        boolean voter = replicaLog.configuration().isVoter(self);
        reads.startRound(commitIndex, voter ? self : null);
        if (voter && reads.acknowledge(self, reads.currentRound(), quorum().majority())) {
            completeReads(ready);
            return;
        }
        replicator.heartbeatAll(stamp(), ready);
    }

    private void completeReads(Ready ready) {
        for (long request : reads.takeApplied(replicaLog.appliedIndex())) {
            ready.completeStatus(request, RaftOperationStatus.Success);
        }
    }

    private void maybeSendTimeoutNow(Ready ready) {
        FollowerProgress pr = transfer.inProgress() ? replicator.follower(transfer.target()) : null;
        if (pr != null && pr.matchIndex == log.lastIndex()) {
            ready.messages.add(new Ready.Outbound(pr.peer, new TimeoutNow(partition, term, log.lastIndex())));
        }
    }

    /** What {@link LeaderWrites} needs of this leader. */
    private final class Leader implements LeaderWrites.Leader {
        @Override
        public long term() {
            return term;
        }

        @Override
        public long barrierIndex() {
            return barrierIndex;
        }

        @Override
        public void append(List<LogEntry> entries) {
            Leadership.this.append(entries);
        }

        @Override
        public void maybeCommit(Ready ready) {
            Leadership.this.maybeCommit(ready);
        }
    }

    /** Whether this leader is sending a snapshot to a follower that answers ({@link LeaderReplicator#sendingSnapshot}). */
    boolean sendingSnapshot() {
        return replicator.sendingSnapshot();
    }
}
