package io.kommander.internal.partition;

import io.kommander.RaftOperationStatus;
import io.kommander.internal.partition.MessageRefusals.Reason;
import io.kommander.transport.RaftMessage.RequestVote;
import io.kommander.transport.RaftMessage.TimeoutNow;
import io.kommander.transport.RaftMessage.VoteResponse;
import io.kommander.wal.HardState;

import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * One replica's term, vote and role, and the elections that change them: the election timer, pre-votes and votes
 * asked and answered, the tally, and becoming follower, candidate or leader. The term and vote are the hard state
 * that must be durable before any vote leaves ({@link PendingWrites#sendAfter}).
 *
 * <p>Not thread-safe: part of a {@link RaftPartitionStateMachine}, owned by the partition's executor.
 */
final class Elections {

    private final int partition;
    private final String self;
    private final PartitionSettings settings;
    private final RandomGenerator random;
    private final Set<PlantedBug> plantedBugs;
    private final PendingWrites writes;
    private final ReplicaLog replicaLog;
    private final PartitionLog log;
    private final Leadership leadership;
    private final ReplicaVerification verification;
    private final MessageRefusals refusals;
    private final Supplier<Ready> ready;
    private final LongSupplier now;
    private final VoteTally votes = new VoteTally();

    private long term;
    private String votedFor = "";
    private RaftRole role = RaftRole.FOLLOWER;
    private String leader;
    private long electionDeadline;
    private long lastLeaderContact = Long.MIN_VALUE / 2;
    /** The replica whose pre-vote for {@link #favouredTerm} this one granted last, at {@link #favouredAt}. */
    private String favoured;
    private long favouredTerm;
    private long favouredAt;
    /** When this replica's pre-vote rounds began (it stands again at every timeout until one has a result). */
    private long standingSince;

    /** The parts of its replica that elections and a follower's replication read and drive. */
    record Replica(PendingWrites writes, ReplicaLog replicaLog, Leadership leadership,
                   ReplicaVerification verification, MessageRefusals refusals) {
    }

    Elections(int partition, String self, PartitionSettings settings, RandomGenerator random,
              Set<PlantedBug> plantedBugs, Replica replica, Supplier<Ready> ready, LongSupplier now) {
        this.partition = partition;
        this.self = self;
        this.settings = settings;
        this.random = random;
        this.plantedBugs = plantedBugs;
        this.writes = replica.writes();
        this.replicaLog = replica.replicaLog();
        this.log = replicaLog.log();
        this.leadership = replica.leadership();
        this.verification = replica.verification();
        this.refusals = replica.refusals();
        this.ready = ready;
        this.now = now;
    }

    /** The current term. */
    long term() {
        return term;
    }

    /** The current role. */
    RaftRole role() {
        return role;
    }

    /** The leader's endpoint, or null if unknown. */
    String leader() {
        return leader;
    }

    /** The term and vote as stored, with {@code commitIndex}. */
    HardState hardState(long commitIndex) {
        return new HardState(term, votedFor, commitIndex);
    }

    /** Takes the stored term and vote back at a restore. */
    void restore(HardState hardState) {
        term = hardState.term();
        votedFor = hardState.votedFor();
    }

    /**
     * The restore ended: the replica starts as a follower with a fresh election timeout, or stands at once if it is a
     * fresh replica first in the campaign order ({@link #standFirstIfFresh}).
     */
    void startAsFollower() {
        role = RaftRole.FOLLOWER;
        resetElectionDeadline();
        standFirstIfFresh();
    }

    /**
     * A fresh replica (term 0, no vote, an empty log, allowed to elect: a cluster's first start, or a partition just
     * created) that comes first in the {@link CampaignOrder} stands at once instead of after an election timeout.
     * No leader can exist yet that it could disrupt, and its peers keep their slots of the timeout span, so they stand
     * only if it fails: at a cold start of thousands of partitions the timeout before the first campaign was a
     * second of pure waiting. Only when it campaigns changes (the timer still admits it), never what it may do.
     */
    void standFirstIfFresh() {
        if (role != RaftRole.FOLLOWER || term != 0 || !votedFor.isEmpty() || log.lastIndex() != 0
                || !mayCampaign()) {
            return;
        }
        Configuration configuration = replicaLog.configuration();
        boolean first = CampaignOrder.rank(partition, configuration, self) == 0;
        if (first || plantedBugs.contains(PlantedBug.FRESH_REPLICAS_STAND_TOGETHER)) {
            electionDeadline = Math.min(electionDeadline, now.getAsLong());
        }
    }

    /** When the election timeout runs out (on the runtime's monotonic clock). */
    long electionDeadline() {
        return electionDeadline;
    }

    /** Whether the election timeout has passed. */
    boolean electionDue() {
        return now.getAsLong() >= electionDeadline;
    }

    /** The election timer ran out on a replica that does not lead: campaign, or wait another timeout. */
    void electionTimedOut() {
        Configuration configuration = replicaLog.configuration();
        if (!mayCampaign()) {
            // A learner, or a replica whose removal has committed, never campaigns.
            resetElectionDeadline();
        } else if (configuration.voters().equals(Set.of(self)) || skipsPreVoteWhenFresh()) {
            campaign(false);
        } else {
            preCampaign();
        }
    }

    /**
     * Draws the next election timeout in the slot of this replica's turn in the {@link CampaignOrder}: the span
     * between the minimum and maximum timeouts is cut into one slot per voter, and the timeout is random within the
     * slot. Replicas of one partition that lost their leader together (a cold start, a node down) so time out one
     * after another instead of splitting the vote, and leaders come out spread over the nodes. The timeout stays
     * within the configured bounds, as Raft requires nothing more of it.
     */
    void resetElectionDeadline() {
        long span = settings.electionMaxMillis() - settings.electionMinMillis();
        if (ignoresOrder()) {
            electionDeadline = now.getAsLong() + settings.electionMinMillis() + random.nextLong(span + 1);
            return;
        }
        Configuration configuration = replicaLog.configuration();
        int voters = Math.max(1, configuration.voters().size());
        long slot = span / voters;
        int turn = Math.min(voters - 1, CampaignOrder.rank(partition, configuration, self));
        electionDeadline = now.getAsLong() + settings.electionMinMillis() + turn * slot
                + (slot > 0 ? random.nextLong(slot + 1) : 0);
    }

    /**
     * {@code lostLeader}'s node is suspected dead (node-level liveness): if this replica comes first in the campaign
     * order among the other voters, its election timeout runs out now, so the partition is not leaderless for another
     * timeout; the others keep theirs, and stand only if it does not. When it campaigns is still the timer's call.
     */
    void leaderLost(String lostLeader) {
        if (role == RaftRole.LEADER || ignoresOrder() || !mayCampaign()) {
            return;
        }
        Configuration configuration = replicaLog.configuration();
        for (String voter : configuration.votersOtherThan(self)) {
            if (!voter.equals(lostLeader) && CampaignOrder.before(partition, configuration, voter, self)) {
                return;
            }
        }
        electionDeadline = Math.min(electionDeadline, now.getAsLong());
    }

    /** The planted bug {@link PlantedBug#FRESH_REPLICAS_STAND_TOGETHER}: a fresh replica skips the pre-vote. */
    private boolean skipsPreVoteWhenFresh() {
        return plantedBugs.contains(PlantedBug.FRESH_REPLICAS_STAND_TOGETHER) && term == 0 && log.lastIndex() == 0;
    }

    private boolean ignoresOrder() {
        return plantedBugs.contains(PlantedBug.CAMPAIGNS_IGNORE_ORDER);
    }

    /** Whether a leader other than this replica was heard from within the minimum election timeout. */
    boolean inLease() {
        return leader != null && !leader.equals(self)
                && now.getAsLong() - lastLeaderContact < settings.electionMinMillis();
    }

    private void preCampaign() {
        if (role != RaftRole.PRE_CANDIDATE) {
            standingSince = now.getAsLong();
        }
        role = RaftRole.PRE_CANDIDATE;
        setLeader(null);
        votes.start(selfIfVoter());
        resetElectionDeadline();
        askAgainSoonIfFreshAndFirst();
        for (String peer : replicaLog.configuration().votersOtherThan(self)) {
            ready.get().messages.add(new Ready.Outbound(peer,
                    new RequestVote(partition, term + 1, log.lastIndex(), log.lastTerm(), true, false)));
        }
    }

    /**
     * A fresh replica first in the campaign order asks for pre-votes again a heartbeat later, until a minimum election
     * timeout has passed since it first stood: at a cold start its peers may still be restoring the partition, and a
     * replica not restored drops the request unanswered. Waiting a whole timeout instead lets the next replica in the
     * order stand and win, and the leader preference then hands leadership back: two elections where one was needed
     * (simulator seed 14414, whose clock steps made the wait longer). Only when it asks changes, never what it may do.
     */
    private void askAgainSoonIfFreshAndFirst() {
        if (term == 0 && log.lastIndex() == 0 && !ignoresOrder()
                && !plantedBugs.contains(PlantedBug.FRESH_PRE_VOTE_ASKED_ONCE)
                && now.getAsLong() - standingSince < settings.electionMinMillis()
                && CampaignOrder.rank(partition, replicaLog.configuration(), self) == 0) {
            electionDeadline = Math.min(electionDeadline, now.getAsLong() + settings.heartbeatMillis());
        }
    }

    /** Stands for election in the next term; {@code transfer} when a leadership transfer asked for it. */
    void campaign(boolean transfer) {
        leadership.failPendingWrites(RaftOperationStatus.LeaderInOldTerm, ready.get());
        ready.get().electionsStarted++;
        term++;
        votedFor = self;
        role = RaftRole.CANDIDATE;
        setLeader(null);
        votes.start(selfIfVoter());
        writes.hardStateChanged();
        resetElectionDeadline();
        if (votes.result(replicaLog.configuration().votersQuorum()) == Quorum.VoteResult.WON) {
            becomeLeader();
            return;
        }
        for (String peer : replicaLog.configuration().votersOtherThan(self)) {
            // The candidate's own vote must be durable before anyone can count on it.
            writes.sendAfter(new Ready.Outbound(peer,
                    new RequestVote(partition, term, log.lastIndex(), log.lastTerm(), false, transfer)));
        }
    }

    /** Answers a (pre-)vote request that passed the term gate. */
    void onRequestVote(String from, RequestVote vote) {
        boolean logOk = verification.mayElect() && (plantedBugs.contains(PlantedBug.VOTE_WITHOUT_LOG_CHECK)
                || vote.lastLogTerm() > log.lastTerm()
                || (vote.lastLogTerm() == log.lastTerm() && vote.lastLogIndex() >= log.lastIndex()));
        if (vote.preVote()) {
            boolean grant = vote.term() > term && logOk && (vote.transfer() || !inLease())
                    && role != RaftRole.LEADER && !favoursOtherThan(from, vote.term());
            writes.sendAfter(new Ready.Outbound(from,
                    new VoteResponse(partition, grant ? vote.term() : term, grant, true)));
            if (grant) {
                favour(from, vote.term());
            }
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

    /** Counts a (pre-)vote answer of this round, and acts on the round's outcome. */
    void onVoteResponse(String from, VoteResponse response) {
        boolean forThisRound = response.preVote()
                ? role == RaftRole.PRE_CANDIDATE && (response.term() == term + 1 || !response.granted())
                : role == RaftRole.CANDIDATE && response.term() == term;
        if (!forThisRound || !replicaLog.configuration().isVoter(from)) {
            refusals.record(Reason.UNEXPECTED_FOR_ROLE);
            return;
        }
        votes.record(from, response.granted());
        switch (votes.result(replicaLog.configuration().votersQuorum())) {
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

    /**
     * Whether this replica already favours, for the pre-vote of {@code nextTerm}, a replica that comes before
     * {@code from} in the {@link CampaignOrder}: itself while it asks for that term's pre-votes, or a peer whose
     * pre-vote for that term it granted, each for the minimum election timeout only. A pre-candidate whose rounds get
     * no answer (a voter down or not verified) stands again at every timeout, and must not refuse the others for ever. Two replicas that lost their leader
     * together would otherwise both pass the pre-vote (each granting the other before standing) and split the real
     * vote; this way at most the better placed one passes, and the other stands only if that one fails to win within
     * a timeout. Refusing a pre-vote is always safe; the favour lapses after a timeout, so elections stay live when the
     * favoured replica goes down.
     */
    private boolean favoursOtherThan(String from, long nextTerm) {
        if (ignoresOrder()) {
            return false;
        }
        Configuration configuration = replicaLog.configuration();
        if (role == RaftRole.PRE_CANDIDATE && nextTerm == term + 1
                && now.getAsLong() - standingSince < settings.electionMinMillis()
                && CampaignOrder.before(partition, configuration, self, from)) {
            return true;
        }
        return favoured != null && favouredTerm == nextTerm
                && now.getAsLong() - favouredAt < settings.electionMinMillis()
                && CampaignOrder.before(partition, configuration, favoured, from);
    }

    /**
     * Granted {@code to}'s pre-vote for {@code nextTerm}: it is favoured for that term from now on, and a
     * pre-candidate of that term steps back, so that it cannot pass the pre-vote too ({@code to} comes before it, or
     * its own rounds went unanswered for a timeout).
     */
    private void favour(String to, long nextTerm) {
        favoured = to;
        favouredTerm = nextTerm;
        favouredAt = now.getAsLong();
        if (role == RaftRole.PRE_CANDIDATE && nextTerm == term + 1 && !ignoresOrder()) {
            becomeFollower(term, null);
        }
    }

    /**
     * Whether this replica may stand for election: it is verified, and it votes in its current configuration or in
     * the last committed one. The second case is a leader that appended its own removal and lost leadership before
     * the removal committed: its log, holding the removal, is the most up to date, so no one else can be elected
     * until it leads again (counting only the new configuration's voters) and commits its removal.
     */
    private boolean mayCampaign() {
        return verification.mayElect() && (replicaLog.configuration().isVoter(self)
                || replicaLog.configurationAt(replicaLog.commitIndex()).isVoter(self));
    }

    /** This replica, if it votes in the current configuration (a candidate counts its own vote only then); else null. */
    private String selfIfVoter() {
        return replicaLog.configuration().isVoter(self) ? self : null;
    }

    /** Follows {@code newLeader} (null if unknown) in {@code newTerm}, forgetting the vote if the term is new. */
    void becomeFollower(long newTerm, String newLeader) {
        boolean wasLeader = role == RaftRole.LEADER;
        if (newTerm > term) {
            term = newTerm;
            votedFor = "";
            writes.hardStateChanged();
        }
        role = RaftRole.FOLLOWER;
        votes.forget();
        setLeader(newLeader);
        if (wasLeader) {
            leadership.stop(ready.get());
        }
        resetElectionDeadline();
    }

    private void becomeLeader() {
        role = RaftRole.LEADER;
        votes.forget();
        ready.get().electionWon = true;
        setLeader(self);
        leadership.start(term, now.getAsLong(), ready.get());
    }

    private void setLeader(String newLeader) {
        if (Objects.equals(newLeader, leader)) {
            return;
        }
        leader = newLeader;
        ready.get().leaderChanged = true;
        if (newLeader != null && !newLeader.equals(self)) {
            leadership.otherLeaderKnown(newLeader, ready.get());
        }
    }

    /** A message only a leader sends (past the term gate): it is this term's leader, and alive. */
    void heardFromLeader(String from) {
        setLeader(from);
        lastLeaderContact = now.getAsLong();
        resetElectionDeadline();
    }

    /**
     * A leadership transfer's TimeoutNow: campaign at once, unless this log holds an entry of the message's term past
     * its index. A leader appends nothing in its term during a transfer and appends a barrier when one ends
     * unfinished, so such an entry proves the transfer that sent the message is over (terms only grow along a log,
     * so the last entry tells).
     */
    void onTimeoutNow(TimeoutNow timeoutNow) {
        if (!replicaLog.configuration().isVoter(self) || !verification.mayElect()) {
            refusals.record(Reason.UNEXPECTED_FOR_ROLE);
            return;
        }
        if (log.lastTerm() == timeoutNow.term() && log.lastIndex() > timeoutNow.lastLogIndex()) {
            refusals.record(Reason.STALE_TRANSFER);
            return;
        }
        campaign(true);
    }
}
