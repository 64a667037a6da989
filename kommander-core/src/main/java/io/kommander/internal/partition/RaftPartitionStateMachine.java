package io.kommander.internal.partition;

import io.kommander.time.HLCTimestamp;
import io.kommander.RaftLog;
import io.kommander.RaftLogType;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.transport.RaftMessage;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.transport.RaftMessage.AppendLogsResponse;
import io.kommander.transport.RaftMessage.RequestVote;
import io.kommander.transport.RaftMessage.TimeoutNow;
import io.kommander.transport.RaftMessage.VoteResponse;
import io.kommander.wal.EntryKind;
import io.kommander.wal.HardState;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The Raft state of one partition on one node, as a deterministic state machine: inputs are method calls
 * (messages, ticks carrying the time, client requests, WAL completions), outputs accumulate in a {@link Ready}
 * that the host takes and carries out. It has no threads, clock, I/O or randomness of its own (the random source
 * is injected), so the same inputs always give the same outputs.
 *
 * <p>Safety choices (Ongaro's dissertation): an append-only log anchored by (prevLogIndex, prevLogTerm);
 * commitment counts replicas only for entries of the current term; conflicting suffixes are truncated only on
 * followers; votes, terms and acknowledgements leave only after the hard state and entries they depend on are
 * durable ({@link Ready.PersistStep#after()}); a leader counts itself only up to its durable index.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
public final class RaftPartitionStateMachine {

    private final int partition;
    private final String self;
    private final List<String> peers;
    private final int quorum;
    private final PartitionSettings settings;
    private final RandomGenerator random;
    private final EnumSet<PlantedBug> plantedBugs = EnumSet.noneOf(PlantedBug.class);

    // Hard state.
    private long term;
    private String votedFor = "";
    private long commitIndex;

    private final PartitionLog log = new PartitionLog();
    private RaftRole role = RaftRole.FOLLOWER;
    private String leader;
    private boolean restored;

    // Durability and delivery.
    private long nextSeq = 1;
    private long durableLastIndex;
    private long appliedIndex;
    /**
     * Entries up to here were in the log when the replica restored and may have been delivered before the restart
     * (delivery does not wait for the commit index to be durable): once committed they go to onLogRestored, never
     * again to onReplicationReceived. Lowered when a truncation removes such entries (they were never committed).
     */
    private long restoredThrough;
    private long lastCheckpointIndex;
    /** Truncations submitted but not yet durable: (seq, truncateAfter). */
    private final ArrayDeque<long[]> pendingTruncations = new ArrayDeque<>();
    private PendingWrites writes;
    private Ready ready = new Ready();

    // Timers, in the host's milliseconds.
    private long now;
    private long electionDeadline;
    private long lastLeaderContact = Long.MIN_VALUE / 2;
    private long lastHeartbeatSent;
    private long lastQuorumCheck;

    // Elections.
    private final Set<String> votesGranted = new HashSet<>();
    private final Set<String> votesRejected = new HashSet<>();

    // Leadership.
    private final LeaderReplicator replicator;
    private long barrierIndex;
    private long safeCompactIndex;
    private String transferTarget;
    private long transferRequest;
    private long transferDeadline;
    private boolean appendPending;

    private final ProposalTracker proposals = new ProposalTracker();
    private final ReadIndexTracker reads = new ReadIndexTracker();
    private long ignoredMessages;

    /**
     * Creates the state machine of one partition replica.
     *
     * @param partition the partition id
     * @param self      this node's endpoint
     * @param peers     the other members' endpoints
     * @param settings  timing and batching settings
     * @param random    the injected random source for election timeouts
     */
    public RaftPartitionStateMachine(int partition, String self, List<String> peers, PartitionSettings settings,
                                     RandomGenerator random) {
        this.partition = partition;
        this.self = self;
        this.peers = List.copyOf(peers);
        this.quorum = Quorum.majority(peers.size() + 1);
        this.settings = settings;
        this.random = random;
        this.writes = new PendingWrites(partition);
        this.replicator = new LeaderReplicator(partition, log, settings);
    }

    /** Switches on a known-wrong behaviour (simulator negative controls only). */
    void plant(PlantedBug bug) {
        plantedBugs.add(bug);
    }

    // ------------------------------------------------------------------ restore

    /** Starts restoring from the WAL's stored state. */
    public void restoreBegin(HardState hardState, LogPosition compacted, long lastCheckpoint) {
        term = hardState.term();
        votedFor = hardState.votedFor();
        commitIndex = Math.max(hardState.commitIndex(), compacted.index());
        appliedIndex = commitIndex;
        lastCheckpointIndex = lastCheckpoint;
        log.resetTo(compacted);
    }

    /**
     * Feeds stored entries, in order. Returns those at or below the stored commit index, which the application
     * already received before the restart, for {@code onLogRestored}.
     */
    public List<RaftLog> restoreEntries(List<LogEntry> entries) {
        List<RaftLog> restoredLogs = new ArrayList<>();
        for (LogEntry entry : entries) {
            boolean committed = entry.index() <= commitIndex;
            log.appendRestored(entry, !committed || settings.logCacheEntries() > 0);
            proposals.onAppended(entry);
            if (committed) {
                proposals.onCommitted(entry);
                RaftLog delivered = toDelivery(entry);
                if (delivered != null) {
                    restoredLogs.add(delivered);
                }
            }
        }
        return restoredLogs;
    }

    /** Ends the restore: the replica starts as a follower with a fresh election timeout. */
    public void restoreEnd(long nowMillis) {
        now = nowMillis;
        if (commitIndex > log.lastIndex()) {
            // The stored commit index may run ahead of a log whose tail was lost; never deliver beyond the log.
            commitIndex = log.lastIndex();
        }
        durableLastIndex = log.lastIndex();
        restoredThrough = log.lastIndex();
        evictCache();
        restored = true;
        role = RaftRole.FOLLOWER;
        resetElectionDeadline();
    }

    // ------------------------------------------------------------------ inputs

    /** Advances time: elections, heartbeats, check-quorum, time-outs. */
    public void tick(long nowMillis) {
        now = nowMillis;
        if (!restored) {
            return;
        }
        if (transferTarget != null && now >= transferDeadline) {
            finishTransfer(RaftOperationStatus.ProposalTimeout);
        }
        if (role == RaftRole.LEADER) {
            tickLeader();
        } else if (now >= electionDeadline) {
            if (peers.isEmpty()) {
                campaign(false);
            } else {
                preCampaign();
            }
        }
    }

    /** Handles one message from {@code from}. */
    public void step(String from, RaftMessage message, long nowMillis) {
        now = nowMillis;
        if (!restored || !isMember(from)) {
            ignoredMessages++;
            return;
        }
        if (message.term() > term && !isPreVoteTraffic(message)) {
            if (message instanceof RequestVote vote && !vote.transfer() && inLease()) {
                // A leader is alive for us: ignore a candidate that would depose it (check-quorum lease).
                ignoredMessages++;
                return;
            }
            boolean fromLeader = message instanceof AppendLogs || message instanceof TimeoutNow;
            becomeFollower(message.term(), fromLeader ? from : null);
        } else if (message.term() < term && !(message instanceof RequestVote rv && rv.preVote())) {
            if (message instanceof AppendLogs) {
                // Tell a stale leader about the newer term so it steps down.
                ready.messages.add(new Ready.Outbound(from,
                        new AppendLogsResponse(partition, term, false, log.lastIndex(), 0)));
            } else {
                ignoredMessages++;
            }
            return;
        }
        if (message instanceof AppendLogs append) {
            onAppendLogs(from, append);
        } else if (message instanceof AppendLogsResponse response) {
            onAppendResponse(from, response);
        } else if (message instanceof RequestVote vote) {
            onRequestVote(from, vote);
        } else if (message instanceof VoteResponse response) {
            onVoteResponse(from, response);
        } else if (message instanceof TimeoutNow) {
            onTimeoutNow();
        }
    }

    private boolean isMember(String from) {
        return peers.contains(from);
    }

    private static boolean isPreVoteTraffic(RaftMessage message) {
        return (message instanceof RequestVote rv && rv.preVote())
                || (message instanceof VoteResponse vr && vr.preVote() && vr.granted());
    }

    /** Appends a client write: one entry per payload, one ticket, completing when the last entry commits. */
    public void propose(long requestId, EntryKind kind, String logType, List<byte[]> payloads, HLCTimestamp ticket,
                        long nowMillis) {
        now = nowMillis;
        RaftOperationStatus refusal = refusal();
        if (refusal != null) {
            fail(requestId, refusal);
            return;
        }
        List<LogEntry> entries = new ArrayList<>(payloads.size());
        long index = log.lastIndex();
        for (byte[] payload : payloads) {
            entries.add(new LogEntry(++index, term, kind, ticket, logType, payload));
        }
        appendAsLeader(entries);
        proposals.track(new ProposalTracker.Pending(requestId, index, term, ticket,
                now + settings.proposalTimeoutMillis()));
        maybeCommit();
    }

    /** Appends the commit (or rollback) entry of a manual proposal identified by its ticket. */
    public void settle(long requestId, HLCTimestamp ticket, boolean commit, long nowMillis) {
        now = nowMillis;
        RaftOperationStatus refusal = refusal();
        if (refusal != null) {
            fail(requestId, refusal);
            return;
        }
        ProposalTracker.OpenTicket open = proposals.openTicket(ticket);
        if (open == null) {
            fail(requestId, RaftOperationStatus.ProposalNotFound);
            return;
        }
        propose(requestId, commit ? EntryKind.COMMIT : EntryKind.ROLLBACK, open.logType(), List.of(new byte[0]),
                ticket, nowMillis);
    }

    /** Asks to confirm leadership for a linearizable read (ReadIndex). */
    public void readIndex(long requestId) {
        if (role != RaftRole.LEADER) {
            ready.statusCompletions.add(new Ready.StatusCompletion(requestId, RaftOperationStatus.NodeIsNotLeader));
            return;
        }
        reads.request(requestId);
        maybeStartReadRound();
    }

    /** Hands leadership to {@code target}: stops taking writes, catches it up, then tells it to campaign. */
    public void transferLeadership(long requestId, String target, long nowMillis) {
        now = nowMillis;
        if (role != RaftRole.LEADER) {
            ready.statusCompletions.add(new Ready.StatusCompletion(requestId, RaftOperationStatus.NodeIsNotLeader));
            return;
        }
        if (target.equals(self)) {
            ready.statusCompletions.add(new Ready.StatusCompletion(requestId, RaftOperationStatus.Success));
            return;
        }
        if (replicator.follower(target) == null || transferTarget != null) {
            ready.statusCompletions.add(new Ready.StatusCompletion(requestId, RaftOperationStatus.Errored));
            return;
        }
        transferTarget = target;
        transferRequest = requestId;
        transferDeadline = now + settings.electionMaxMillis();
        maybeSendTimeoutNow();
        appendPending = true;
    }

    /** A persist step (and every earlier one) is durable. */
    public void persisted(long seq, long lastIndexAfter) {
        while (!pendingTruncations.isEmpty() && pendingTruncations.peek()[0] <= seq) {
            pendingTruncations.poll();
        }
        long bound = lastIndexAfter;
        for (long[] truncation : pendingTruncations) {
            bound = Math.min(bound, truncation[1]);
        }
        durableLastIndex = Math.min(bound, log.lastIndex());
        apply();
        if (role == RaftRole.LEADER) {
            maybeCommit();
        }
    }

    /** Entries read from the WAL for a lagging follower. */
    public void entriesRead(String peer, long readTerm, List<LogEntry> entries) {
        if (role == RaftRole.LEADER && readTerm == term) {
            replicator.entriesRead(peer, entries, stamp(), ready);
        }
    }

    /** A catch-up read failed (for example the entries were compacted); the follower is probed again later. */
    public void catchUpReadFailed(String peer) {
        replicator.readFailed(peer);
    }

    /** The WAL was compacted up to {@code position}. */
    public void compacted(LogPosition position) {
        log.compactedTo(position);
    }

    /**
     * The point the WAL may be compacted to now: the last committed checkpoint that every member is known to hold
     * and this replica has applied, or null if there is nothing new to compact.
     */
    public LogPosition compactionTarget() {
        long limit = Math.min(Math.min(lastCheckpointIndex, appliedIndex), safeCompactIndex);
        if (limit <= log.compacted().index() || limit > log.lastIndex()) {
            return null;
        }
        return new LogPosition(limit, log.termAt(limit));
    }

    // ------------------------------------------------------------------ output

    /** Returns what the host must do now and starts a new, empty {@link Ready}. */
    public Ready takeReady() {
        if (role == RaftRole.LEADER && appendPending) {
            replicator.broadcast(stamp(), ready, false);
        }
        appendPending = false;
        if (!writes.isEmpty()) {
            long seq = nextSeq++;
            ready.persist = writes.take(seq, hardState(), log.lastIndex());
        }
        Ready out = ready;
        ready = new Ready();
        return out;
    }

    // ------------------------------------------------------------------ queries

    /** The current term. */
    public long term() {
        return term;
    }

    /** The current role. */
    public RaftRole role() {
        return role;
    }

    /** The leader's endpoint, or null if unknown. */
    public String leader() {
        return leader;
    }

    /** The highest index known committed. */
    public long commitIndex() {
        return commitIndex;
    }

    /** The highest index delivered to the application. */
    public long appliedIndex() {
        return appliedIndex;
    }

    /** The last index in the log. */
    public long lastIndex() {
        return log.lastIndex();
    }

    /** The term of the entry at {@code index}, or -1 if not retained. */
    public long termAt(long index) {
        return log.termAt(index);
    }

    /** The cached entry at {@code index}, or null. */
    public LogEntry cachedEntry(long index) {
        return log.entry(index);
    }

    /** On the leader, each follower's match index (the highest index it is known to hold); empty otherwise. */
    public Map<String, Long> followerMatchIndices() {
        Map<String, Long> matches = new LinkedHashMap<>();
        if (role == RaftRole.LEADER) {
            for (FollowerProgress pr : replicator.followers()) {
                matches.put(pr.peer, pr.matchIndex);
            }
        }
        return matches;
    }

    /** The current hard state. */
    public HardState hardState() {
        return new HardState(term, votedFor, commitIndex);
    }

    /** Whether the restore has finished. */
    public boolean restored() {
        return restored;
    }

    /** Whether this replica leads and has committed an entry of its term (it may serve reads and proposals). */
    public boolean isReadyLeader() {
        return role == RaftRole.LEADER && appliedIndex >= barrierIndex;
    }

    /** Messages ignored so far (stale terms, unknown senders, before restore), plus sends refused for want of
     * compacted entries. */
    public long ignoredMessages() {
        return ignoredMessages + replicator.compactedGaps();
    }

    // ------------------------------------------------------------------ elections

    private void resetElectionDeadline() {
        long span = settings.electionMaxMillis() - settings.electionMinMillis();
        electionDeadline = now + settings.electionMinMillis() + (span > 0 ? random.nextLong(span + 1) : 0);
    }

    private boolean inLease() {
        return leader != null && !leader.equals(self) && now - lastLeaderContact < settings.electionMinMillis();
    }

    private void preCampaign() {
        role = RaftRole.PRE_CANDIDATE;
        setLeader(null);
        votesGranted.clear();
        votesRejected.clear();
        votesGranted.add(self);
        resetElectionDeadline();
        for (String peer : peers) {
            ready.messages.add(new Ready.Outbound(peer,
                    new RequestVote(partition, term + 1, log.lastIndex(), log.lastTerm(), true, false)));
        }
    }

    private void campaign(boolean transfer) {
        failAllPending(RaftOperationStatus.LeaderInOldTerm);
        term++;
        votedFor = self;
        role = RaftRole.CANDIDATE;
        setLeader(null);
        votesGranted.clear();
        votesRejected.clear();
        votesGranted.add(self);
        writes.hardStateChanged();
        resetElectionDeadline();
        if (votesGranted.size() >= quorum) {
            becomeLeader();
            return;
        }
        for (String peer : peers) {
            // The candidate's own vote must be durable before anyone can count on it.
            writes.sendAfter(new Ready.Outbound(peer,
                    new RequestVote(partition, term, log.lastIndex(), log.lastTerm(), false, transfer)));
        }
    }

    private void onRequestVote(String from, RequestVote vote) {
        boolean logOk = plantedBugs.contains(PlantedBug.VOTE_WITHOUT_LOG_CHECK)
                || vote.lastLogTerm() > log.lastTerm()
                || (vote.lastLogTerm() == log.lastTerm() && vote.lastLogIndex() >= log.lastIndex());
        if (vote.preVote()) {
            boolean grant = vote.term() > term && logOk && (vote.transfer() || !inLease())
                    && role != RaftRole.LEADER;
            writes.sendAfter(new Ready.Outbound(from,
                    new VoteResponse(partition, grant ? vote.term() : term, grant, true)));
            return;
        }
        boolean grant = vote.term() == term && logOk && (votedFor.isEmpty() || votedFor.equals(from));
        if (grant) {
            votedFor = from;
            writes.hardStateChanged();
            resetElectionDeadline();
        }
        writes.sendAfter(new Ready.Outbound(from, new VoteResponse(partition, term, grant, false)));
    }

    private void onVoteResponse(String from, VoteResponse response) {
        if (response.preVote()) {
            if (role != RaftRole.PRE_CANDIDATE || response.term() != term + 1 && response.granted()) {
                return;
            }
        } else if (role != RaftRole.CANDIDATE || response.term() != term) {
            return;
        }
        (response.granted() ? votesGranted : votesRejected).add(from);
        if (votesGranted.size() >= quorum) {
            if (response.preVote()) {
                campaign(false);
            } else {
                becomeLeader();
            }
        } else if (votesRejected.size() >= quorum) {
            becomeFollower(term, null);
        }
    }

    private void onTimeoutNow() {
        if (role != RaftRole.LEADER) {
            campaign(true);
        }
    }

    private void becomeFollower(long newTerm, String newLeader) {
        boolean wasLeader = role == RaftRole.LEADER;
        if (newTerm > term) {
            term = newTerm;
            votedFor = "";
            writes.hardStateChanged();
        }
        role = RaftRole.FOLLOWER;
        setLeader(newLeader);
        if (wasLeader) {
            stepDownCleanup();
        }
        resetElectionDeadline();
    }

    private void stepDownCleanup() {
        replicator.stop();
        failAllPending(RaftOperationStatus.LeaderInOldTerm);
        for (long request : reads.takeAll()) {
            ready.statusCompletions.add(new Ready.StatusCompletion(request, RaftOperationStatus.NodeIsNotLeader));
        }
        // A transfer in progress completes when the next leader becomes known (see setLeader).
    }

    private void becomeLeader() {
        if (transferTarget != null) {
            finishTransfer(RaftOperationStatus.Errored);
        }
        role = RaftRole.LEADER;
        setLeader(self);
        replicator.start(peers, now);
        lastQuorumCheck = now;
        lastHeartbeatSent = now;
        safeCompactIndex = Math.min(safeCompactIndex, log.compacted().index());
        appendAsLeader(List.of(new LogEntry(log.lastIndex() + 1, term, EntryKind.BARRIER, HLCTimestamp.ZERO, "",
                null)));
        barrierIndex = log.lastIndex();
        maybeCommit();
    }

    private void setLeader(String newLeader) {
        if (newLeader == null ? leader != null : !newLeader.equals(leader)) {
            leader = newLeader;
            ready.leaderChanged = true;
            if (transferTarget != null && newLeader != null && !newLeader.equals(self)) {
                finishTransfer(newLeader.equals(transferTarget) ? RaftOperationStatus.Success
                        : RaftOperationStatus.Errored);
            }
        }
    }

    private void finishTransfer(RaftOperationStatus status) {
        ready.statusCompletions.add(new Ready.StatusCompletion(transferRequest, status));
        transferTarget = null;
    }

    // ------------------------------------------------------------------ leader

    private RaftOperationStatus refusal() {
        if (!restored) {
            return RaftOperationStatus.RestoreInProgress;
        }
        if (role != RaftRole.LEADER) {
            return RaftOperationStatus.NodeIsNotLeader;
        }
        if (transferTarget != null) {
            return RaftOperationStatus.LeadershipTransferInProgress;
        }
        return null;
    }

    private void fail(long requestId, RaftOperationStatus status) {
        String hint = status == RaftOperationStatus.NodeIsNotLeader ? leader : null;
        ready.completions.add(new Ready.Completion(requestId, RaftReplicationResult.failure(status, hint)));
    }

    private void failAllPending(RaftOperationStatus status) {
        for (ProposalTracker.Pending pending : proposals.takeAll()) {
            fail(pending.requestId(), status);
        }
    }

    private void appendAsLeader(List<LogEntry> entries) {
        log.append(entries);
        writes.append(entries);
        entries.forEach(proposals::onAppended);
        appendPending = true;
    }

    private void tickLeader() {
        if (now - lastHeartbeatSent >= settings.heartbeatMillis()) {
            lastHeartbeatSent = now;
            replicator.heartbeat(stamp(), ready, now);
        }
        if (now - lastQuorumCheck >= settings.checkQuorumMillis()) {
            lastQuorumCheck = now;
            if (1 + replicator.takeActiveCount() < quorum) {
                becomeFollower(term, null);
                return;
            }
        }
        for (ProposalTracker.Pending expired : proposals.takeExpired(now)) {
            fail(expired.requestId(), RaftOperationStatus.ProposalTimeout);
        }
    }

    private void onAppendResponse(String from, AppendLogsResponse response) {
        FollowerProgress pr = replicator.follower(from);
        if (role != RaftRole.LEADER || pr == null || response.term() != term) {
            ignoredMessages++;
            return;
        }
        replicator.onResponse(pr, response, now);
        if (response.success()) {
            if (reads.acknowledge(from, response.round(), quorum)) {
                completeReads();
                maybeStartReadRound();
            }
            updateSafeCompactIndex();
            maybeCommit();
            maybeSendTimeoutNow();
        }
        appendPending = true;
    }

    /** What every AppendLogs of this leader carries now. */
    private LeaderReplicator.Stamp stamp() {
        return new LeaderReplicator.Stamp(term, commitIndex, reads.currentRound(), safeCompactIndex);
    }

    private void updateSafeCompactIndex() {
        long min = replicator.minMatch(durableLastIndex);
        safeCompactIndex = Math.max(safeCompactIndex, Math.min(min, commitIndex));
    }

    private void maybeCommit() {
        if (role != RaftRole.LEADER) {
            return;
        }
        long candidate = Quorum.committedIndex(replicator.matchIndices(Math.min(durableLastIndex, log.lastIndex())));
        boolean currentTerm = log.termAt(candidate) == term
                || plantedBugs.contains(PlantedBug.COMMIT_OLD_TERM_BY_COUNTING);
        if (candidate > commitIndex && currentTerm) {
            advanceCommit(candidate);
            appendPending = true;
        }
    }

    private void advanceCommit(long newCommit) {
        commitIndex = newCommit;
        // Persisted with the next write, but nothing waits for it: delivery needs only the entries durable here.
        writes.hardStateChanged();
        apply();
    }

    private void maybeStartReadRound() {
        if (role != RaftRole.LEADER || appliedIndex < barrierIndex || commitIndex < barrierIndex
                || !reads.canStartRound()) {
            return;
        }
        reads.startRound(commitIndex, self);
        if (reads.acknowledge(self, reads.currentRound(), quorum)) {
            completeReads();
            return;
        }
        replicator.heartbeatAll(stamp(), ready);
    }

    private void completeReads() {
        for (long request : reads.takeApplied(appliedIndex)) {
            ready.statusCompletions.add(new Ready.StatusCompletion(request, RaftOperationStatus.Success));
        }
    }

    private void maybeSendTimeoutNow() {
        FollowerProgress pr = transferTarget == null ? null : replicator.follower(transferTarget);
        if (pr != null && pr.matchIndex == log.lastIndex()) {
            ready.messages.add(new Ready.Outbound(pr.peer, new TimeoutNow(partition, term)));
        }
    }

    // ------------------------------------------------------------------ follower

    private void onAppendLogs(String from, AppendLogs append) {
        if (role != RaftRole.FOLLOWER) {
            becomeFollower(term, from);
        }
        setLeader(from);
        lastLeaderContact = now;
        resetElectionDeadline();
        long prevIndex = append.prevLogIndex();
        List<LogEntry> entries = append.entries();
        if (prevIndex < log.compacted().index()) {
            // Everything up to the compaction point is committed and so matches; skip what precedes it.
            long skipTo = log.compacted().index();
            entries = entries.stream().filter(e -> e.index() > skipTo).toList();
            prevIndex = skipTo;
        } else if (log.termAt(prevIndex) != append.prevLogTerm()
                && !(plantedBugs.contains(PlantedBug.SKIP_ANCHOR_CHECK) && prevIndex <= log.lastIndex())) {
            long hint = prevIndex > log.lastIndex()
                    ? log.lastIndex()
                    : Math.max(commitIndex, log.termRunStart(prevIndex) - 1);
            writes.sendAfter(new Ready.Outbound(from,
                    new AppendLogsResponse(partition, term, false, Math.min(hint, prevIndex - 1), append.round())));
            return;
        }
        List<LogEntry> toAppend = new ArrayList<>();
        for (LogEntry entry : entries) {
            if (toAppend.isEmpty() && entry.index() <= log.lastIndex()) {
                if (log.termAt(entry.index()) == entry.term()) {
                    continue;
                }
                if (entry.index() <= commitIndex) {
                    throw new IllegalStateException("partition " + partition + ": leader " + from
                            + " conflicts with committed entry " + entry.index());
                }
                truncateAfter(entry.index() - 1);
            }
            toAppend.add(entry);
        }
        if (!toAppend.isEmpty()) {
            log.append(toAppend);
            writes.append(toAppend);
            toAppend.forEach(proposals::onAppended);
        }
        long lastNew = prevIndex + entries.size();
        long newCommit = Math.min(append.leaderCommit(), lastNew);
        if (newCommit > commitIndex) {
            advanceCommit(newCommit);
        }
        safeCompactIndex = Math.max(safeCompactIndex, Math.min(append.safeCompactIndex(), commitIndex));
        Ready.Outbound ack = new Ready.Outbound(from,
                new AppendLogsResponse(partition, term, true, lastNew, append.round()));
        if (plantedBugs.contains(PlantedBug.ACK_BEFORE_SYNC)) {
            ready.messages.add(ack);
        } else {
            writes.sendAfter(ack);
        }
    }

    /**
     * Drops the log's suffix after {@code index} (uncommitted entries a new leader replaced). The durable bound
     * drops at once and stays down until the step carrying the truncation (the next one taken) is durable: a
     * commit or an older step's completion arriving before then must not count or deliver the replacements.
     */
    private void truncateAfter(long index) {
        proposals.onTruncated(index);
        restoredThrough = Math.min(restoredThrough, index);
        durableLastIndex = Math.min(durableLastIndex, index);
        pendingTruncations.add(new long[] {nextSeq, index});
        log.truncateAfter(index);
        writes.truncateAfter(index);
    }

    // ------------------------------------------------------------------ delivery

    /**
     * Delivers what is committed and durable in this replica's log. The commit index itself need not be durable:
     * an entry delivered here is in the durable log, so after a restart it comes back through onLogRestored (see
     * {@link #restoredThrough}) and is never delivered twice through onReplicationReceived.
     */
    private void apply() {
        long upTo = plantedBugs.contains(PlantedBug.DELIVER_BEFORE_DURABLE)
                ? commitIndex : Math.min(durableLastIndex, commitIndex);
        if (appliedIndex >= upTo) {
            return;
        }
        while (appliedIndex < upTo) {
            LogEntry entry = log.entry(appliedIndex + 1);
            if (entry == null) {
                throw new IllegalStateException("partition " + partition + ": entry " + (appliedIndex + 1)
                        + " to deliver is not in the log cache");
            }
            appliedIndex++;
            proposals.onCommitted(entry);
            if (entry.kind() == EntryKind.CHECKPOINT) {
                lastCheckpointIndex = entry.index();
                writes.checkpoint(entry.index());
            }
            RaftLog delivery = toDelivery(entry);
            if (delivery != null) {
                (entry.index() <= restoredThrough ? ready.restoredDeliveries : ready.deliveries).add(delivery);
            }
        }
        // Writes complete once applied here, so a caller that sees success can read its write on this node.
        for (ProposalTracker.Pending done : proposals.takeCommitted(appliedIndex)) {
            RaftReplicationResult result = log.termAt(done.lastIndex()) == done.term()
                    ? RaftReplicationResult.success(done.ticket(), done.lastIndex())
                    : RaftReplicationResult.failure(RaftOperationStatus.LeaderInOldTerm, null);
            ready.completions.add(new Ready.Completion(done.requestId(), result));
        }
        completeReads();
        maybeStartReadRound();
        evictCache();
    }

    private void evictCache() {
        // Undelivered entries always stay; beyond them the newest logCacheEntries serve followers without reads.
        long keepFrom = Math.min(appliedIndex + 1, log.lastIndex() - settings.logCacheEntries() + 1);
        log.evictThrough(keepFrom - 1);
    }

    private static RaftLog toDelivery(LogEntry entry) {
        RaftLogType type = switch (entry.kind()) {
            case DATA, SYSTEM, COMMIT -> RaftLogType.Committed;
            case PROPOSED -> RaftLogType.Proposed;
            case ROLLBACK -> RaftLogType.RolledBack;
            case CHECKPOINT -> RaftLogType.CommittedCheckpoint;
            case BARRIER -> null;
        };
        return type == null ? null
                : new RaftLog(entry.index(), entry.term(), type, entry.time(), entry.logType(), entry.data());
    }
}
