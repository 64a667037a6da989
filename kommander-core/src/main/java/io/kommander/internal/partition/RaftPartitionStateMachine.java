package io.kommander.internal.partition;

import io.kommander.time.HLCTimestamp;
import io.kommander.RaftLog;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.internal.partition.MessageRefusals.Reason;
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

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The Raft state of one partition on one node, as a deterministic state machine: inputs are method calls
 * (messages, ticks carrying the time, client requests, WAL completions), outputs accumulate in a {@link Ready}
 * that the host takes and carries out. It has no threads, clock, I/O or randomness of its own (the random source
 * is injected), so the same inputs always give the same outputs.
 *
 * <p>Shape (etcd raft's): every message passes one term gate ({@link #step}), then the handler of the replica's
 * role ({@link #stepLeader}, {@link #stepCandidate}, {@link #stepFollower}); a message a role has no use for is
 * counted in {@link MessageRefusals}, never dropped silently. The concepts live in small types: {@link PartitionLog}
 * (log view, conflicts, truncation), {@link Quorum} and {@link VoteTally} (majorities), {@link LeaderReplicator}
 * (what a leader sends each follower), {@link DurableBound} (what is durable here), {@link Applier} (what may be
 * delivered), {@link LeadershipTransfer}, {@link ProposalTracker} and {@link ReadIndexTracker}.
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
    private final Quorum quorum;
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
    private final DurableBound durable = new DurableBound();
    private final Applier applier;
    private final PendingWrites writes;
    private Ready ready = new Ready();

    // Timers, in the host's milliseconds.
    private long now;
    private long electionDeadline;
    private long lastLeaderContact = Long.MIN_VALUE / 2;
    private long lastHeartbeatSent;
    private long lastQuorumCheck;

    private final VoteTally votes = new VoteTally();

    // Leadership.
    private final LeaderReplicator replicator;
    private final LeadershipTransfer transfer = new LeadershipTransfer();
    private long barrierIndex;
    private long safeCompactIndex;
    private boolean appendPending;

    private final ProposalTracker proposals = new ProposalTracker();
    private final ReadIndexTracker reads = new ReadIndexTracker();
    private final MessageRefusals refusals = new MessageRefusals();

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
        this.quorum = new Quorum(peers.size() + 1);
        this.settings = settings;
        this.random = random;
        this.writes = new PendingWrites(partition);
        this.applier = new Applier(partition, log);
        this.replicator = new LeaderReplicator(partition, log, settings);
    }

    /** Switches on a known-wrong behaviour (simulator negative controls only). */
    public void plant(PlantedBug bug) {
        plantedBugs.add(bug);
    }

    // ------------------------------------------------------------------ restore

    /** Starts restoring from the WAL's stored state. */
    public void restoreBegin(HardState hardState, LogPosition compacted, long lastCheckpoint) {
        term = hardState.term();
        votedFor = hardState.votedFor();
        commitIndex = Math.max(hardState.commitIndex(), compacted.index());
        applier.restoreBegin(commitIndex, lastCheckpoint);
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
                RaftLog delivered = Applier.toDelivery(entry);
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
        durable.reset(log.lastIndex());
        applier.restoreEnd();
        log.trimCache(applier.appliedIndex(), settings.logCacheEntries());
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
        if (transfer.expiredAt(now)) {
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

    /** Handles one message from {@code from}: the term gate, then the handler of this replica's role. */
    public void step(String from, RaftMessage message, long nowMillis) {
        now = nowMillis;
        if (!restored) {
            refuse(Reason.NOT_RESTORED);
        } else if (!peers.contains(from)) {
            refuse(Reason.UNKNOWN_SENDER);
        } else if (passesTermGate(from, message)) {
            switch (role) {
                case LEADER -> stepLeader(from, message);
                case PRE_CANDIDATE, CANDIDATE -> stepCandidate(from, message);
                case FOLLOWER -> stepFollower(from, message);
            }
        }
    }

    /**
     * The term rules, once for every role: a newer term makes this replica a follower of it (unless the message is
     * a pre-vote, which changes no state, or a vote request that a live leader's lease protects against); an older
     * term is refused, except that a stale leader is told the newer term and pre-votes are always answered.
     * Returns whether the message goes on to the role's handler.
     */
    private boolean passesTermGate(String from, RaftMessage message) {
        if (message.term() > term && !isPreVoteTraffic(message)) {
            if (message instanceof RequestVote vote && !vote.transfer() && inLease()) {
                refuse(Reason.LEADER_LEASE);
                return false;
            }
            boolean fromLeader = message instanceof AppendLogs || message instanceof TimeoutNow;
            becomeFollower(message.term(), fromLeader ? from : null);
        } else if (message.term() < term && !(message instanceof RequestVote vote && vote.preVote())) {
            if (message instanceof AppendLogs) {
                // Tell a stale leader about the newer term so it steps down.
                ready.messages.add(new Ready.Outbound(from,
                        new AppendLogsResponse(partition, term, false, log.lastIndex(), 0)));
            } else {
                refuse(Reason.STALE_TERM);
            }
            return false;
        }
        return true;
    }

    private static boolean isPreVoteTraffic(RaftMessage message) {
        return (message instanceof RequestVote rv && rv.preVote())
                || (message instanceof VoteResponse vr && vr.preVote() && vr.granted());
    }

    private void stepLeader(String from, RaftMessage message) {
        if (message instanceof AppendLogsResponse response) {
            onAppendResponse(from, response);
        } else if (message instanceof RequestVote vote) {
            onRequestVote(from, vote);
        } else {
            // Votes arriving after the election was won; AppendLogs or TimeoutNow of this leader's own term, which
            // only a second leader of the term could send (election safety says there is none).
            refuse(Reason.UNEXPECTED_FOR_ROLE);
        }
    }

    private void stepCandidate(String from, RaftMessage message) {
        if (message instanceof VoteResponse response) {
            onVoteResponse(from, response);
        } else if (message instanceof RequestVote vote) {
            onRequestVote(from, vote);
        } else if (message instanceof AppendLogs append) {
            // Someone won this term: follow it.
            becomeFollower(term, from);
            onAppendLogs(from, append);
        } else if (message instanceof TimeoutNow) {
            campaign(true);
        } else {
            // AppendLogsResponse: a candidate has sent no appends in this term.
            refuse(Reason.UNEXPECTED_FOR_ROLE);
        }
    }

    private void stepFollower(String from, RaftMessage message) {
        if (message instanceof AppendLogs append) {
            onAppendLogs(from, append);
        } else if (message instanceof RequestVote vote) {
            onRequestVote(from, vote);
        } else if (message instanceof TimeoutNow) {
            campaign(true);
        } else {
            // AppendLogsResponse or VoteResponse: a follower has asked nothing in this term.
            refuse(Reason.UNEXPECTED_FOR_ROLE);
        }
    }

    private void refuse(Reason reason) {
        refusals.record(reason);
    }

    /** Appends a client write: one entry per payload, one ticket, completing when the last entry commits. */
    public void propose(long requestId, EntryKind kind, String logType, List<byte[]> payloads, HLCTimestamp ticket,
                        long nowMillis) {
        now = nowMillis;
        RaftOperationStatus refusal = writeRefusal();
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
        RaftOperationStatus refusal = writeRefusal();
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
        RaftOperationStatus status = null;
        if (role != RaftRole.LEADER) {
            status = RaftOperationStatus.NodeIsNotLeader;
        } else if (target.equals(self)) {
            status = RaftOperationStatus.Success;
        } else if (replicator.follower(target) == null || transfer.inProgress()) {
            status = RaftOperationStatus.Errored;
        }
        if (status != null) {
            ready.statusCompletions.add(new Ready.StatusCompletion(requestId, status));
            return;
        }
        transfer.begin(target, requestId, now + settings.electionMaxMillis());
        maybeSendTimeoutNow();
        appendPending = true;
    }

    /** A persist step (and every earlier one) is durable. */
    public void persisted(long seq, long lastIndexAfter) {
        durable.persisted(seq, lastIndexAfter, log.lastIndex());
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
        long limit = Math.min(Math.min(applier.lastCheckpointIndex(), applier.appliedIndex()), safeCompactIndex);
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
        return applier.appliedIndex();
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
        return role == RaftRole.LEADER && applier.appliedIndex() >= barrierIndex;
    }

    /** Messages refused so far (for any {@link MessageRefusals.Reason}), plus sends refused for want of
     * compacted entries. */
    public long ignoredMessages() {
        return refusals.total() + replicator.compactedGaps();
    }

    /** Messages refused so far for {@code reason}. */
    long refusedMessages(Reason reason) {
        return refusals.count(reason);
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
        votes.start(self);
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
        votes.start(self);
        writes.hardStateChanged();
        resetElectionDeadline();
        if (votes.result(quorum) == Quorum.VoteResult.WON) {
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
        boolean forThisRound = response.preVote()
                ? role == RaftRole.PRE_CANDIDATE && (response.term() == term + 1 || !response.granted())
                : role == RaftRole.CANDIDATE && response.term() == term;
        if (!forThisRound) {
            refuse(Reason.UNEXPECTED_FOR_ROLE);
            return;
        }
        votes.record(from, response.granted());
        switch (votes.result(quorum)) {
            case WON -> {
                if (response.preVote()) {
                    campaign(false);
                } else {
                    becomeLeader();
                }
            }
            case LOST -> becomeFollower(term, null);
            case PENDING -> {
            }
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
            replicator.stop();
            failAllPending(RaftOperationStatus.LeaderInOldTerm);
            for (long request : reads.takeAll()) {
                ready.statusCompletions.add(new Ready.StatusCompletion(request, RaftOperationStatus.NodeIsNotLeader));
            }
            // A transfer in progress completes when the next leader becomes known (see setLeader).
        }
        resetElectionDeadline();
    }

    private void becomeLeader() {
        if (transfer.inProgress()) {
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
        if (Objects.equals(newLeader, leader)) {
            return;
        }
        leader = newLeader;
        ready.leaderChanged = true;
        if (transfer.inProgress() && newLeader != null && !newLeader.equals(self)) {
            finishTransfer(transfer.outcomeFor(newLeader));
        }
    }

    private void finishTransfer(RaftOperationStatus status) {
        ready.statusCompletions.add(transfer.finish(status));
    }

    // ------------------------------------------------------------------ leader

    /** Why this replica cannot take a write now, or null if it can. */
    private RaftOperationStatus writeRefusal() {
        if (!restored) {
            return RaftOperationStatus.RestoreInProgress;
        }
        if (role != RaftRole.LEADER) {
            return RaftOperationStatus.NodeIsNotLeader;
        }
        if (transfer.inProgress()) {
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
        appendToLog(entries);
        appendPending = true;
    }

    /** Appends to the log and to the next persist step; keeps the ticket table current. */
    private void appendToLog(List<LogEntry> entries) {
        log.append(entries);
        writes.append(entries);
        entries.forEach(proposals::onAppended);
    }

    private void tickLeader() {
        if (now - lastHeartbeatSent >= settings.heartbeatMillis()) {
            lastHeartbeatSent = now;
            replicator.heartbeat(stamp(), ready, now);
        }
        if (now - lastQuorumCheck >= settings.checkQuorumMillis()) {
            lastQuorumCheck = now;
            if (!quorum.isMajority(1 + replicator.takeActiveCount())) {
                becomeFollower(term, null);
                return;
            }
        }
        for (ProposalTracker.Pending expired : proposals.takeExpired(now)) {
            fail(expired.requestId(), RaftOperationStatus.ProposalTimeout);
        }
    }

    private void onAppendResponse(String from, AppendLogsResponse response) {
        // The term gate let through only responses of this term, and a leader tracks every member.
        replicator.onResponse(replicator.follower(from), response, now);
        if (response.success()) {
            if (reads.acknowledge(from, response.round(), quorum.majority())) {
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
        long min = replicator.minMatch(durable.index());
        safeCompactIndex = Math.max(safeCompactIndex, Math.min(min, commitIndex));
    }

    /** Commits what a majority holds durably, if it is of this leader's term (leader only). */
    private void maybeCommit() {
        long candidate = quorum.committedIndex(replicator.matchIndices(Math.min(durable.index(), log.lastIndex())));
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
        long applied = applier.appliedIndex();
        if (role != RaftRole.LEADER || applied < barrierIndex || commitIndex < barrierIndex
                || !reads.canStartRound()) {
            return;
        }
        reads.startRound(commitIndex, self);
        if (reads.acknowledge(self, reads.currentRound(), quorum.majority())) {
            completeReads();
            return;
        }
        replicator.heartbeatAll(stamp(), ready);
    }

    private void completeReads() {
        for (long request : reads.takeApplied(applier.appliedIndex())) {
            ready.statusCompletions.add(new Ready.StatusCompletion(request, RaftOperationStatus.Success));
        }
    }

    private void maybeSendTimeoutNow() {
        FollowerProgress pr = transfer.inProgress() ? replicator.follower(transfer.target()) : null;
        if (pr != null && pr.matchIndex == log.lastIndex()) {
            ready.messages.add(new Ready.Outbound(pr.peer, new TimeoutNow(partition, term)));
        }
    }

    // ------------------------------------------------------------------ follower

    private void onAppendLogs(String from, AppendLogs append) {
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
            writes.sendAfter(new Ready.Outbound(from, new AppendLogsResponse(partition, term, false,
                    log.rejectionHint(prevIndex, commitIndex), append.round())));
            return;
        }
        appendFromLeader(from, entries);
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

    /** Appends the anchored entries this log lacks, first truncating a conflicting (never committed) suffix. */
    private void appendFromLeader(String from, List<LogEntry> entries) {
        long conflict = log.findConflict(entries);
        if (conflict == 0) {
            return;
        }
        if (conflict <= log.lastIndex()) {
            if (conflict <= commitIndex) {
                throw new IllegalStateException("partition " + partition + ": leader " + from
                        + " conflicts with committed entry " + conflict);
            }
            truncateAfter(conflict - 1);
        }
        appendToLog(entries.subList((int) (conflict - entries.get(0).index()), entries.size()));
    }

    /** Drops the log's suffix after {@code index}: uncommitted entries a new leader replaced. */
    private void truncateAfter(long index) {
        proposals.onTruncated(index);
        applier.truncated(index);
        durable.truncated(nextSeq, index);
        log.truncateAfter(index);
        writes.truncateAfter(index);
    }

    // ------------------------------------------------------------------ delivery

    /**
     * Delivers what is committed and durable in this replica's log. The commit index itself need not be durable:
     * an entry delivered here is in the durable log, so after a restart it comes back through onLogRestored (see
     * {@link Applier}) and is never delivered twice through onReplicationReceived.
     */
    private void apply() {
        long upTo = plantedBugs.contains(PlantedBug.DELIVER_BEFORE_DURABLE)
                ? commitIndex : Math.min(durable.index(), commitIndex);
        if (!applier.applyThrough(upTo, ready, this::onApplied)) {
            return;
        }
        // Writes complete once applied here, so a caller that sees success can read its write on this node.
        for (ProposalTracker.Pending done : proposals.takeCommitted(applier.appliedIndex())) {
            RaftReplicationResult result = log.termAt(done.lastIndex()) == done.term()
                    ? RaftReplicationResult.success(done.ticket(), done.lastIndex())
                    : RaftReplicationResult.failure(RaftOperationStatus.LeaderInOldTerm, null);
            ready.completions.add(new Ready.Completion(done.requestId(), result));
        }
        completeReads();
        maybeStartReadRound();
        log.trimCache(applier.appliedIndex(), settings.logCacheEntries());
    }

    private void onApplied(LogEntry entry) {
        proposals.onCommitted(entry);
        if (entry.kind() == EntryKind.CHECKPOINT) {
            writes.checkpoint(entry.index());
        }
    }
}
