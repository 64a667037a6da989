package io.kommander.internal.partition;

import io.kommander.RaftLog;
import io.kommander.internal.partition.MessageRefusals.Reason;
import io.kommander.transport.RaftMessage;
import io.kommander.wal.HardState;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;

import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The Raft state of one partition on one node, as a deterministic state machine: inputs are method calls
 * (messages, ticks carrying the time, client requests, WAL completions), outputs accumulate in a {@link Ready}
 * that the host takes and carries out. It has no threads, clock, I/O or randomness of its own (the random source
 * is injected), so the same inputs always give the same outputs.
 *
 * <p>Shape (etcd raft's): every message passes one term gate, then the handler of this replica's role (both in
 * {@link MessageRouting}). A message that a role has no use for is counted in {@link MessageRefusals}, never dropped
 * silently. {@link Elections} holds the term, the vote, the role and the elections; {@link Leadership} does what
 * only a leader does (writes, commitment, reads, transfer), {@link ReplicaLog} carries entries from appended to
 * durable, committed and delivered.
 *
 * <p>Safety choices (Ongaro's dissertation): an append-only log anchored by (prevLogIndex, prevLogTerm);
 * commitment counts replicas only for entries of the current term; conflicting suffixes are truncated only on
 * followers; votes, terms and acknowledgements leave only after the hard state and entries they depend on are
 * durable ({@link Ready.PersistStep#after()}); a leader counts itself only up to its durable index.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
public final class RaftPartitionStateMachine {

    /**
     * How far ahead of this replica's term a message's term may be (2^20). Terms grow by one per election, and pre-votes
     * keep a cut-off replica from raising its own, so a correct peer is ahead by at most the elections held while this
     * replica was away: a million of them is beyond any real outage, while a forged or corrupt term of 10^12 or
     * {@code Long.MAX_VALUE} (which would overflow on the next election) is refused and counted, never adopted.
     */
    public static final long MAX_TERM_LEAD = 1L << 20;

    private final EnumSet<PlantedBug> plantedBugs = EnumSet.noneOf(PlantedBug.class);

    private boolean restored;

    private final PendingWrites writes;
    private final ReplicaLog replicaLog;
    /** The replica log's entries, read here; changed only through {@link #replicaLog}. */
    private final PartitionLog log;
    private final Leadership leadership;
    private final SnapshotControl snapshots;
    /** The term, vote and role (the commit index, the rest of the hard state, lives in the replica log). */
    private final Elections elections;
    private final ReplicaVerification verification = new ReplicaVerification(plantedBugs);
    private final MessageRefusals refusals = new MessageRefusals();
    private final Quiescence quiescence;
    private final QuiescenceWaking waking;
    private final MessageRouting routing;
    /** What the host must do, gathered since the last {@link #takeReady}; null until there is something. */
    private Ready ready;

    /** The host's time in milliseconds, as of the last input that carried it. */
    private long now;

    /**
     * Creates the state machine of one partition replica.
     *
     * @param partition the partition id
     * @param self      this node's endpoint
     * @param peers     the other members' endpoints: with this node, the voters of a fresh log's configuration
     * @param settings  timing and batching settings
     * @param random    the injected random source for election timeouts
     */
    public RaftPartitionStateMachine(int partition, String self, List<String> peers, PartitionSettings settings,
                                     RandomGenerator random) {
        this(partition, self, FirstConfiguration.of(self, peers), settings, random);
    }

    /**
     * Creates the state machine of a replica that joins an existing partition: its fresh log's configuration is
     * {@code voters}, which do not include it, so it never campaigns until a configuration in its log makes it a
     * voter. Its leader adds it as a learner first.
     */
    public static RaftPartitionStateMachine joining(int partition, String self, List<String> voters,
                                                    PartitionSettings settings, RandomGenerator random) {
        return new RaftPartitionStateMachine(partition, self, FirstConfiguration.joining(self, voters), settings,
                random);
    }

    /**
     * Creates the state machine of a replica of a partition created online, whose fresh log's configuration is
     * {@code firstVoters} on every replica (the roster's voters at the entry of partition 0's log that created it). A
     * replica that {@code joins} (not one of them, or one whose earlier replica may have been deleted with its vote)
     * starts as {@link #joining} from the same voters without itself, so it counts what the others count.
     *
     * @throws IllegalArgumentException if it does not join and is not one of {@code firstVoters}
     */
    public static RaftPartitionStateMachine created(int partition, String self, Collection<String> firstVoters,
                                                    boolean joins, PartitionSettings settings,
                                                    RandomGenerator random) {
        return new RaftPartitionStateMachine(partition, self,
                FirstConfiguration.created(partition, self, firstVoters, joins), settings, random);
    }

    private RaftPartitionStateMachine(int partition, String self, Configuration initial, PartitionSettings settings,
                                      RandomGenerator random) {
        this.writes = new PendingWrites(partition);
        ProposalTracker proposals = new ProposalTracker();
        Snapshots held = new Snapshots(partition, plantedBugs);
        this.replicaLog = new ReplicaLog(partition, settings, writes, proposals, plantedBugs, initial, held);
        this.log = replicaLog.log();
        this.quiescence = new Quiescence(settings);
        this.leadership = new Leadership(partition, self, settings, replicaLog, proposals, plantedBugs, held,
                quiescence);
        Elections.Replica replica = new Elections.Replica(writes, replicaLog, leadership, verification, refusals);
        // One instance of each, shared by every part: a replica's heap is counted in tens of bytes (docs/scale.md).
        Supplier<Ready> ready = this::ready;
        LongSupplier clock = () -> now;
        this.elections = new Elections(partition, self, settings, random, plantedBugs, replica, ready, clock);
        this.snapshots = new SnapshotControl(held, replicaLog, writes, refusals, elections::term, ready,
                () -> elections.role() == RaftRole.LEADER && leadership.sendingSnapshot());
        FollowerReplication follower = new FollowerReplication(partition, plantedBugs, replica, elections, snapshots,
                ready, quiescence);
        this.waking = new QuiescenceWaking(partition, quiescence, elections, leadership, replicaLog, refusals,
                plantedBugs, ready, clock);
        this.routing = new MessageRouting(partition, plantedBugs, replica, elections, follower, waking,
                this::stepDownIfRemoved, ready, clock);
    }

    /**
     * This replica's compaction and snapshot operations, for its host (which turns snapshots on when the application
     * has them).
     */
    SnapshotControl snapshots() {
        return snapshots;
    }

    /** Switches on a known-wrong behaviour (simulator negative controls only). */
    void plant(PlantedBug bug) {
        plantedBugs.add(bug);
    }

    // ------------------------------------------------------------------ restore

    /**
     * Starts restoring from the WAL's stored state and the stored snapshot of the client sessions (null if none);
     * the stored entries to feed start after {@link #lastIndex()}.
     *
     * @throws IllegalStateException if the session snapshot is corrupt or older than the compaction point
     */
    public void restoreBegin(HardState hardState, LogPosition compacted, long lastCheckpoint,
                             byte[] sessionSnapshot) {
        restoreBegin(hardState, compacted, lastCheckpoint, sessionSnapshot, null, null, DeliveredSoFar.NONE);
    }

    /**
     * Starts restoring, as above, also from the stored configuration and move history at the compaction point (each
     * null if none); {@code delivered} is what the application received from this partition earlier in this process (before a WAL
     * failure), which is not handed over again.
     */
    void restoreBegin(HardState hardState, LogPosition compacted, long lastCheckpoint, byte[] sessionSnapshot,
                      byte[] configurationSnapshot, byte[] moveHistory, DeliveredSoFar delivered) {
        elections.restore(hardState);
        replicaLog.restoreBegin(hardState.commitIndex(), compacted, lastCheckpoint, sessionSnapshot,
                configurationSnapshot, moveHistory, delivered);
    }

    /**
     * Feeds stored entries, in order. Returns those at or below the stored commit index, which the application
     * already received before the restart, for {@code onLogRestored}.
     */
    public List<RaftLog> restoreEntries(List<LogEntry> entries) {
        return replicaLog.restoreEntries(entries);
    }

    /** Ends the restore: the replica starts as a follower with a fresh election timeout. */
    public void restoreEnd(long nowMillis) {
        now = nowMillis;
        replicaLog.restoreEnd();
        restored = true;
        elections.startAsFollower();
    }

    // ------------------------------------------------------------------ inputs

    /** Advances time: elections, heartbeats, check-quorum, time-outs. A quiesced replica has nothing to time. */
    public void tick(long nowMillis) {
        now = nowMillis;
        if (!restored || quiescence.quiesced()) {
            return;
        }
        writes.tick();
        leadership.expireTransfer(now, elections.role() == RaftRole.LEADER, ready());
        if (elections.role() == RaftRole.LEADER) {
            if (!leadership.tick(now, ready()) || leadership.removedFromVoters()) {
                elections.becomeFollower(elections.term(), null);
            }
        } else if (elections.electionDue()) {
            elections.electionTimedOut();
        }
    }

    /**
     * The earliest time at which {@link #tick} can change anything: at every tick for a leader (heartbeats,
     * check-quorum) or while a leadership transfer may time out, at its election deadline for any other replica, never
     * before the restore ends or while it sleeps. The host skips the ticks before it: at 10,000 partitions a node's
     * followers, ticked for nothing ten times a second while elections are on, would otherwise keep the executors busy
     * enough to delay the elections' own messages past their time-outs. Read after every batch of work, so a new
     * deadline is seen within one tick.
     */
    public long tickDueAt() {
        if (!restored || quiescence.quiesced()) {
            return Long.MAX_VALUE;
        }
        if (elections.role() == RaftRole.LEADER || leadership.transferring()) {
            return Long.MIN_VALUE;
        }
        return elections.electionDeadline();
    }

    /**
     * Handles one message from {@code from}: the term gate, then the handler of this replica's role. AppendLogs and
     * RequestVote are taken from any sender (Ongaro's thesis, 4.1): a replica that lags behind a configuration change
     * does not know the members it added, and a leader among them could otherwise never catch it up. Who may send at
     * all is the node's decision; the partition counts only its configuration's voters in every quorum.
     */
    public void step(String from, RaftMessage message, long nowMillis) {
        now = nowMillis;
        if (!restored) {
            refusals.record(Reason.NOT_RESTORED);
        } else {
            routing.step(from, message);
        }
    }

    // ------------------------------------------------------------------ quiescence

    /** A request wakes a quiesced leader; a follower refuses it (naming the leader) and sleeps on. */
    void wakeLeader(long nowMillis) {
        now = nowMillis;
        waking.wakeLeader();
    }

    /**
     * Node-level liveness suspects {@code endpoint}'s node dead (silent for an election timeout, or restarted): a
     * quiesced follower of it wakes, and elects once its election timer runs out.
     */
    public void leaderNodeDown(String endpoint, long nowMillis) {
        now = nowMillis;
        waking.leaderNodeDown(endpoint);
    }

    /**
     * {@code endpoint}'s node restarted: a quiesced follower of it wakes as if it were dead (it lost its leaderships),
     * and a quiesced leader with a replica there wakes to heartbeat it (see {@link QuiescenceWaking#peerRestarted}).
     */
    public void peerRestarted(String endpoint, long nowMillis) {
        now = nowMillis;
        waking.peerRestarted(endpoint);
    }

    /** Whether this replica sleeps: not ticked, no heartbeats, no election timer. */
    public boolean quiesced() {
        return quiescence.quiesced();
    }

    /**
     * The replica fell asleep: gives back memory an idle replica does not need (the cached entries, all applied and
     * held by every member; the leader's in-flight windows). A node holds thousands of sleeping replicas.
     */
    public void releaseWhileAsleep() {
        if (quiescence.quiesced()) {
            replicaLog.releaseCache();
            writes.releaseBuffers();
            leadership.releaseWhileAsleep();
        }
    }

    /** Tells the replica how to ask whether a node was heard from within an election timeout. */
    public void nodeLiveness(Predicate<String> alive) {
        waking.nodeLiveness(alive);
    }

    /**
     * Where a caller's requests enter: writes, settlements, configuration changes, reads, transfers. Made for each
     * request (it holds only this machine), so a replica that is never asked pays nothing for it.
     */
    ReplicaRequests requests() {
        return new ReplicaRequests(this);
    }

    /** The leader side of this replica, for {@link ReplicaRequests}. */
    Leadership leadership() {
        return leadership;
    }

    /** The host's time in milliseconds as of the machine's last input that carried it. */
    long now() {
        return now;
    }

    /** The configuration in effect on this replica: the latest in its log, committed or not. */
    public Configuration configuration() {
        return replicaLog.configuration();
    }

    /** The split and seed entries of this replica's log (see {@link PartitionMoves}). */
    public PartitionMoves moves() {
        return replicaLog.moves();
    }

    /** The index of the entry of {@link #configuration()} (0 for a fresh log's, which no entry holds). */
    public long configurationIndex() {
        return replicaLog.configurationIndex();
    }

    /** How many configuration changes are appended and not committed: one at most, changes going one at a time. */
    public int configurationChangesInFlight() {
        return replicaLog.configurationChangesInFlight();
    }

    /** A persist step (and every earlier one) is durable. */
    public void persisted(long seq, long lastIndexAfter) {
        boolean applied = replicaLog.persisted(seq, lastIndexAfter, ready());
        if (elections.role() == RaftRole.LEADER) {
            if (applied) {
                leadership.onApplied(ready());
            }
            leadership.maybeCommit(ready());
            stepDownIfRemoved();
        }
    }

    /**
     * A leader whose removal from the voters has committed steps down (Ongaro's thesis, 4.2.2): it managed the
     * cluster until then without counting itself.
     */
    private void stepDownIfRemoved() {
        if (elections.role() == RaftRole.LEADER && leadership.removedFromVoters()) {
            elections.becomeFollower(elections.term(), null);
        }
    }

    /** Entries read from the WAL for a lagging follower. */
    public void entriesRead(String peer, long readTerm, List<LogEntry> entries) {
        if (elections.role() == RaftRole.LEADER && readTerm == elections.term()) {
            leadership.entriesRead(peer, entries, ready());
        }
    }

    /** The latest snapshot was read back from the WAL (null if the read failed): a leader sends it on. */
    public void snapshotRead(byte[] encoded) {
        if (snapshots.read(encoded)) {
            if (elections.role() == RaftRole.LEADER) {
                leadership.snapshotLoaded(ready());
            } else {
                snapshots.release();
            }
        }
    }

    /** A catch-up read failed (for example the entries were compacted); the follower is probed again later. */
    public void catchUpReadFailed(String peer) {
        if (elections.role() == RaftRole.LEADER) {
            leadership.readFailed(peer);
        }
    }

    // ------------------------------------------------------------------ output

    /** What the host must do, gathered since the last {@link #takeReady}: made on first use. */
    Ready ready() {
        if (ready == null) {
            ready = new Ready();
        }
        return ready;
    }

    /**
     * Returns what the host must do now. An empty answer is the shared {@link Ready#NONE}, which the host only tests
     * with {@link Ready#isEmpty()}: the host asks until it gets one (every drain ends so), and that allocates nothing.
     */
    public Ready takeReady() {
        if (elections.role() == RaftRole.LEADER && leadership.hasAppendPending()) {
            leadership.flush(ready());
        }
        // The hard state is built only for a step (every drain ends with a takeReady that finds none).
        if (replicaLog.hasPersistStep()) {
            ready().persist = replicaLog.takePersistStep(hardState());
        }
        Ready out = ready;
        // A node's thousands of idle replicas hold no Ready between inputs: the next one that has output makes it.
        ready = null;
        return out == null || out.isEmpty() ? Ready.NONE : out;
    }

    // ------------------------------------------------------------------ queries

    /** The current term. */
    public long term() {
        return elections.term();
    }

    /** The current role. */
    public RaftRole role() {
        return elections.role();
    }

    /** The leader's endpoint, or null if unknown. */
    public String leader() {
        return elections.leader();
    }

    /** The highest index known committed. */
    public long commitIndex() {
        return replicaLog.commitIndex();
    }

    /** The highest index delivered to the application. */
    public long appliedIndex() {
        return replicaLog.appliedIndex();
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
        return elections.role() == RaftRole.LEADER ? leadership.followerMatchIndices() : new LinkedHashMap<>();
    }

    /** On the leader, how far its furthest-behind follower is from the log's end, in entries; 0 otherwise. */
    public long followerLag() {
        return elections.role() == RaftRole.LEADER ? leadership.followerLag() : 0;
    }

    /** The current hard state. */
    public HardState hardState() {
        return elections.hardState(replicaLog.commitIndex());
    }

    /** A digest of the client sessions, equal on replicas that applied the same entries. */
    public long sessionFingerprint() {
        return replicaLog.sessions().fingerprint();
    }

    /**
     * Forgets that this replica held a leader's log since it was opened, so that only a leader's log held from now
     * on confirms it ({@link ReplicaVerification#forgetConfirmation}); a quiesced follower wakes and calls its leader,
     * or nothing would reach it while its partition sleeps.
     */
    void forgetLeaderConfirmation() {
        verification.forgetConfirmation();
        waking.wakeToHearFromLeader();
    }

    /** Whether this replica may vote and campaign: it lost no data, or caught up since ({@link ReplicaVerification}). */
    ReplicaVerification verification() {
        return verification;
    }

    /**
     * The node decided this is the cluster's first start: the replica may vote, and, if it is restored, fresh and first
     * in the campaign order, stands at once ({@link Elections#standFirstIfFresh}).
     */
    void verifiedAtFirstStart() {
        verification.verify();
        if (restored) {
            elections.standFirstIfFresh();
        }
    }

    /** Whether the restore has finished. */
    public boolean restored() {
        return restored;
    }

    /** Once restored: entries up to here go to {@code onLogRestored}, the others to {@code onReplicationReceived}. */
    long restoredThrough() {
        return replicaLog.restoredThrough();
    }

    /** Whether this replica leads and has committed an entry of its term (it may serve reads and proposals). */
    public boolean isReadyLeader() {
        return elections.role() == RaftRole.LEADER && leadership.barrierApplied();
    }

    /** Messages refused so far (for any {@link MessageRefusals.Reason}), plus sends refused for want of
     * compacted entries. */
    public long ignoredMessages() {
        return refusals.total() + leadership.compactedGaps();
    }

    /** Messages refused so far for {@code reason}. */
    long refusedMessages(Reason reason) {
        return refusals.count(reason);
    }
}
