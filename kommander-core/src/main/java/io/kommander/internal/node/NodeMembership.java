package io.kommander.internal.node;

import io.kommander.Member;
import io.kommander.Membership;
import io.kommander.RaftConfiguration;
import io.kommander.RaftOperationStatus;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.system.RaftSystemCoordinator;
import io.kommander.internal.system.Roster;
import io.kommander.internal.system.RosterClient;
import io.kommander.internal.system.RosterCommand;
import io.kommander.internal.system.RosterMessageSanity;
import io.kommander.internal.system.RosterService;
import io.kommander.internal.transport.RaftTransportDispatcher;
import io.kommander.internal.wal.FairWalScheduler;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.transport.RaftMessage;
import io.kommander.wal.IWAL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The node's part in cluster membership: who it takes messages from (the roster's members, or its configured list
 * before it knows a roster), its roster requests and their answers, the reconciler's timer, a join
 * ({@link JoinProcess}) and a removal. The roster itself lives on partition 0 ({@link RaftSystemCoordinator}); see
 * {@code docs/membership.md}.
 *
 * <p>Thread-safe.
 */
final class NodeMembership {

    private static final Logger LOG = LoggerFactory.getLogger(NodeMembership.class);
    /** Where a node's incarnation is stored in its WAL's metadata (8 bytes, big-endian). */
    static final String INCARNATION_KEY = "node/incarnation";
    /**
     * Where a node that learned of its removal stores the membership version it learned it at (8 bytes,
     * big-endian; any other length: not removed), so that a restart does not take part again silently.
     */
    static final String REMOVED_KEY = "node/removed";

    private final RaftConfiguration configuration;
    private final String self;
    private final Set<String> members;
    private final IRaftRuntime runtime;
    private final RaftSystemCoordinator coordinator;
    private final Map<Integer, RaftPartition> partitions;
    private final RaftTransportDispatcher dispatcher;
    private final RaftEvents events;
    private final AtomicLong unknownSenderMessages;
    private final RosterService service;
    private final RosterClient client;
    private final MembershipReconciler reconciler;
    private final LeaveReleases releases;
    private final RemovalNotices notices;
    private final FairWalScheduler writes;
    /** Whether a report that a partition refuses a removal is on its way. */
    private final AtomicBoolean reporting = new AtomicBoolean();
    /** Whether this node's report of its id and incarnation is on its way. */
    private final AtomicBoolean identifying = new AtomicBoolean();
    /** Whether the reconciler's timer runs (until the node closes; while it is removed, only its removed pass). */
    private final AtomicBoolean reconciling = new AtomicBoolean();
    private volatile long incarnation;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile JoinProcess join;
    private volatile IntSupplier partitionCount = () -> 0;
    /** What else runs at every reconciler pass and roster change (the node's replica placement). */
    private volatile Runnable eachPass = () -> { };
    /** What runs at every pass while this node is removed (its stranded replicas ask, and go once taken out). */
    private volatile Runnable removedPass = () -> { };
    /** A planted bug (a negative control): which part of the catch-up a join skips ({@link JoinProcess}). */
    private volatile JoinProcess.Shortcut joinShortcut = JoinProcess.Shortcut.NONE;
    /** Whether this node started on a WAL that holds the system partition: its replicas predate its join. */
    private volatile boolean keptData;
    /** The membership version at which this node learned it was removed; 0 while it is a member. */
    private volatile long removedAt;
    /** Whether this node has applied a roster that holds it (so a later one without it means it was removed). */
    private volatile boolean wasInRoster;

    /**
     * @param members               the configured members other than this node (its discovery list)
     * @param partitions            the node's partitions by id (partition 0 included, once started)
     * @param unknownSenderMessages where dropped messages are counted
     * @param stranded              whether a replica is one the map moved away from this node ({@link
     *                              NodeReplicas#stranded}): its configuration says nothing of who the partition holds
     * @param alive                 whether a member's node was heard from lately (node liveness)
     */
    NodeMembership(RaftConfiguration configuration, Set<String> members, IRaftRuntime runtime,
                   RaftSystemCoordinator coordinator, Map<Integer, RaftPartition> partitions,
                   RaftTransportDispatcher dispatcher, RaftEvents events, AtomicLong unknownSenderMessages,
                   FairWalScheduler writes, Predicate<RaftPartition> stranded,
                   Predicate<String> alive) {
        this.configuration = configuration;
        this.self = configuration.endpoint();
        this.members = members;
        this.runtime = runtime;
        this.coordinator = coordinator;
        this.partitions = partitions;
        this.dispatcher = dispatcher;
        this.events = events;
        this.unknownSenderMessages = unknownSenderMessages;
        this.writes = writes;
        this.notices = new RemovalNotices(runtime, configuration.electionTimeoutMinMillis());
        // A refusal is reported once it lasted a check-quorum period (a voter behind that long is not current), and
        // again at every pass while it lasts: a report counts until two passes have gone without one.
        long refusalBound = configuration.checkLeaderIntervalMillis();
        long refusalFresh = Math.max(refusalBound, 2 * configuration.membershipReconcileIntervalMillis());
        this.service = new RosterService(coordinator, this::systemLeaderHint,
                member -> reconciler().stillHeld(member), this::currentMembers, runtime::monotonicMillis,
                refusalFresh);
        this.releases = new LeaveReleases(self, partitions, stranded, dispatcher::send);
        this.reconciler = new MembershipReconciler(self, coordinator::roster, coordinator::map, partitions::values,
                stranded, service, runtime::monotonicMillis, refusalBound, refusalFresh, this::reportRefusal,
                new PreferredLeaderHandOvers(configuration.leaderBalancing(), alive), releases);
        this.client = new RosterClient(self, runtime, service, this::systemLeaderHint, this::candidates,
                dispatcher::send, configuration.membershipRetryMillis(), configuration.membershipBackoffMillis());
        coordinator.onRosterChanged(this::rosterChanged);
    }

    /**
     * Reads this node's incarnation from the WAL (called once, as the node starts) and says whether its members
     * come from the roster: it joins a running cluster, or its WAL holds the system partition.
     */
    boolean prepare(IWAL wal) {
        incarnation = wal.metadata(INCARNATION_KEY).filter(b -> b.length == 8)
                .map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
        removedAt = wal.metadata(REMOVED_KEY).filter(b -> b.length == 8)
                .map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
        if (removedAt > 0) {
            LOG.warn("[{}] this node was removed from the cluster (membership version {}): it takes no part, and "
                    + "every call answers NotAMember; to come back as a new member, start it with "
                    + "joinExisting(true)", self, removedAt);
        }
        keptData = wal.lastPosition(RaftSystemCoordinator.SYSTEM_PARTITION).index() > 0;
        return configuration.joinExisting() || keptData;
    }

    /** Starts the reconciler's timer; with {@code joinExisting}, also the join, whose future it returns. */
    CompletableFuture<Void> start(IntSupplier partitionCount) {
        this.partitionCount = partitionCount;
        started = true;
        if (removedAt > 0 && !configuration.joinExisting()) {
            scheduleReconcile(); // its stranded replicas still ask whether they may go
            return CompletableFuture.failedFuture(new IllegalStateException(self + " was removed from the cluster "
                    + "(membership version " + removedAt + "): NotAMember; start it with joinExisting(true) to "
                    + "join again as a new member"));
        }
        scheduleReconcile();
        if (!configuration.joinExisting()) {
            return CompletableFuture.completedFuture(null);
        }
        join = new JoinProcess(configuration, incarnation, client, coordinator::roster, partitions, partitionCount,
                runtime, joinShortcut);
        return join.start(keptData);
    }

    /**
     * Runs {@code pass} at every reconciler pass and roster change, after the reconciler, and {@code whileRemoved}
     * instead at every pass while this node is removed (set both before start).
     */
    void alsoOnEachPass(Runnable pass, Runnable whileRemoved) {
        this.eachPass = pass;
        this.removedPass = whileRemoved;
    }

    /** Plants "promotion asked before caught up" (a negative control of the simulator's promotion check). */
    void plantEarlyPromotion() {
        joinShortcut = JoinProcess.Shortcut.PROMOTE_EARLY;
    }

    /** Plants "a join trusts its replicas' old verification and its roster as applied" (a negative control). */
    void plantJoinTrustsOldReplicas() {
        joinShortcut = JoinProcess.Shortcut.TRUST_OLD_REPLICAS;
    }

    /** Plants "a moved replica taken out before its replacement votes" (a negative control of the placement check). */
    void plantRemovalFirst() {
        reconciler.plantRemovalFirst();
    }

    /** Plants "a missing member added however many the configuration holds" (a negative control of the R + 1 bound). */
    void plantAddFirst() {
        reconciler.plantAddFirst();
    }

    /** Plants "a partition this node cannot watch counts as having let a leaving member go" (a negative control). */
    void plantLeaveTrustsTheMap() {
        releases.plantTrustsTheMap();
    }

    /** Plants "a follower's configuration proves a release too" (a negative control). */
    void plantFollowersRelease() {
        releases.plantFollowersAnswer();
    }

    /** Plants "a first configuration no entry holds never answers a release query" (a negative control). */
    void plantFirstConfigurationsIgnored() {
        releases.plantFirstConfigurationsIgnored();
    }

    /** What the partitions this node cannot watch answer about leaving members ({@link InboundRouter} routes). */
    LeaveReleases releases() {
        return releases;
    }

    /** Plants "a leaving node keeps leading the placed partitions its map puts on it" (a negative control). */
    void plantLeaderStaysWhileLeaving() {
        reconciler.plantLeaderStaysWhileLeaving();
    }

    /** Plants "partition 0 takes a leaving member out without asking the partitions it cannot watch" (a control). */
    void plantSystemRemovalIgnoresOthers() {
        reconciler.plantSystemRemovalIgnoresOthers();
    }

    /** Fails every open roster call and stops the timer and a join's waits (the node closes). */
    void close() {
        closed = true;
        client.closeAll();
        JoinProcess joining = join;
        if (joining != null) {
            joining.cancel();
        }
    }

    /** The first roster: the configured members, all voters; only this node's id and incarnation are known. */
    RosterCommand firstRoster() {
        List<Member> first = new ArrayList<>();
        first.add(new Member(configuration.nodeId(), self, Member.Role.VOTER, 1, incarnation));
        members.forEach(peer -> first.add(new Member(0, peer, Member.Role.VOTER, 1, 0)));
        return RosterCommand.bootstrap(first);
    }

    /** The roster as this node applied it. */
    Membership membership() {
        Roster roster = coordinator.roster();
        return roster == null ? Membership.UNKNOWN : roster.membership();
    }

    /** Whether this node learned that it was removed from the cluster: it takes no part and refuses every call. */
    boolean removed() {
        return removedAt > 0;
    }

    /**
     * A message that is not a roster request came from {@code sender}, which is not a member: if the roster removed
     * it, tells it so (now and then, not for every message), so that it stops taking part.
     */
    void notMember(String sender) {
        Roster roster = coordinator.roster();
        if (roster != null && roster.contains(self) && !roster.contains(sender) && removedAt == 0
                && notices.due(sender)) {
            dispatcher.send(sender, new RaftMessage.RosterResponse(0, 0, RemovalNotices.REQUEST_ID,
                    RaftOperationStatus.NotAMember.name(), roster.version(), nullToEmpty(systemLeaderHint())));
        }
    }

    /** Whether messages from {@code sender} are taken: a roster member, or one of the listed members before it. */
    boolean isMember(String sender) {
        Roster roster = coordinator.roster();
        return roster != null ? roster.contains(sender) : members.contains(sender);
    }

    /**
     * Whether a message from {@code sender} is taken: from a member ({@link #isMember}), anything; from anyone else,
     * only what a leader sends its followers (entries and snapshots). This node's roster may be older than the
     * sender's membership (it was down while the sender joined), and it can learn the newer roster only from
     * partition 0's leader, which may be that sender. A leader's message is judged by its partition's terms and log
     * like any other; what a removed node may disrupt, votes, stays out.
     */
    boolean admits(String sender, RaftMessage message) {
        return isMember(sender) || message instanceof RaftMessage.AppendLogs
                || message instanceof RaftMessage.InstallSnapshot;
    }

    /** Marks the member leaving, then waits until the roster has removed it (after every partition has). */
    CompletableFuture<RaftOperationStatus> removal(String endpoint) {
        long timeout = configuration.membershipTimeoutMillis();
        return client.request(RosterCommand.of(RosterCommand.Kind.LEAVE, endpoint, 0, 0), timeout, false)
                .thenCompose(leave -> leave.status() != RaftOperationStatus.Success
                        ? CompletableFuture.completedFuture(leave.status())
                        : client.request(RosterCommand.of(RosterCommand.Kind.REMOVE, endpoint, 0, 0), timeout, true)
                                .thenApply(RosterService.Answer::status));
    }

    /**
     * Tells partition 0's leader that a partition this node leads refuses to take {@code member} out for want of
     * current voters; one report on its way at a time, never retried (the next refusal reports again).
     */
    private void reportRefusal(String member) {
        if (reporting.compareAndSet(false, true)) {
            client.request(RosterCommand.of(RosterCommand.Kind.REFUSAL, member, 0, 0),
                    configuration.membershipRetryMillis(), false).whenComplete((answer, error) -> reporting.set(false));
        }
    }

    /** A roster request or answer from {@code from}; {@code member} says whether the sender is a member. */
    void onMessage(String from, RaftMessage message, boolean member) {
        if (message instanceof RaftMessage.RosterResponse response) {
            if (RemovalNotices.isNotice(response)) {
                if (member) {
                    noticed(from, response.version());
                }
            } else if (RosterMessageSanity.admissible(response)) {
                client.answered(response);
            } else {
                unknownSenderMessages.incrementAndGet();
            }
            return;
        }
        RaftMessage.RosterRequest request = (RaftMessage.RosterRequest) message;
        if (!RosterMessageSanity.admissible(from, request, member)) {
            unknownSenderMessages.incrementAndGet();
            return;
        }
        service.submit(RosterMessageSanity.command(request)).thenAccept(answer -> dispatcher.send(from,
                new RaftMessage.RosterResponse(0, 0, request.requestId(), answer.status().name(), answer.version(),
                        nullToEmpty(answer.leaderHint()))));
    }

    /**
     * A member says the roster no longer holds this node, at {@code version}. Believed only if this node's own roster
     * holds it at an older version: versions grow by one per change, so a newer roster without it removed it (a
     * node joining, whose roster does not hold it yet, is not concerned).
     */
    private void noticed(String from, long version) {
        Roster roster = coordinator.roster();
        if (holdsThisNode(roster) && version > roster.version()) {
            List<Member> others = roster.members().values().stream().filter(m -> !m.endpoint().equals(self))
                    .toList();
            LOG.warn("[{}] {} says the roster removed this node (membership version {})", self, from, version);
            markRemoved(new Membership(version, others));
        }
    }

    /**
     * This node is out of the roster: it stops taking part (no ticks, so no campaigns), refuses every call with
     * NotAMember, tells the application, and remembers it in its WAL so that a restart does not take part again.
     */
    private void markRemoved(Membership without) {
        synchronized (this) {
            if (removedAt > 0) {
                return;
            }
            removedAt = Math.max(1, without.version());
        }
        LOG.warn("[{}] this node is no longer a member (membership version {}): it takes no further part and every "
                + "call answers NotAMember; close it, or start it again with joinExisting(true) to join as a new "
                + "member", self, without.version());
        writes.storeMetadata(RaftSystemCoordinator.SYSTEM_PARTITION,
                Map.of(REMOVED_KEY, ByteBuffer.allocate(8).putLong(removedAt).array()), error -> {
                    if (error != null) {
                        LOG.warn("[{}] could not store that this node was removed", self, error);
                    }
                });
        events.membershipChanged(without);
    }

    /**
     * Whether {@code roster} holds this node itself, not an earlier node at the same endpoint (a replaced machine):
     * its entry has this node's incarnation, or none yet (a first roster's member that has not reported it).
     */
    private boolean holdsThisNode(Roster roster) {
        Member me = roster == null ? null : roster.member(self);
        return me != null && (me.incarnation() == 0 || me.incarnation() == incarnation);
    }

    /** This node, once removed, joined again ({@code joinExisting}): it takes part as the member it now is. */
    private void rejoined() {
        synchronized (this) {
            removedAt = 0;
        }
        LOG.info("[{}] this node is a member again", self);
        writes.storeMetadata(RaftSystemCoordinator.SYSTEM_PARTITION, Map.of(REMOVED_KEY, new byte[0]), error -> {
            if (error != null) {
                LOG.warn("[{}] could not store that this node is a member again", self, error);
            }
        });
        scheduleReconcile();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    private MembershipReconciler reconciler() {
        return reconciler;
    }

    /** As partition 0's leader sees it: who holds everything committed there and answered within check-quorum. */
    private CompletableFuture<Set<String>> currentMembers() {
        RaftPartition system = partitions.get(RaftSystemCoordinator.SYSTEM_PARTITION);
        return system == null ? CompletableFuture.completedFuture(null)
                : system.currentMembers(configuration.checkLeaderIntervalMillis());
    }

    /** The system partition's leader as this node knows it, or null. */
    String systemLeaderHint() {
        RaftPartition system = partitions.get(RaftSystemCoordinator.SYSTEM_PARTITION);
        return system == null ? null : system.leaderQuick();
    }

    /**
     * The other members: the roster's, or the configured list before it (where to look for partition 0's leader,
     * and whom the node heartbeats).
     */
    List<String> candidates() {
        Roster roster = coordinator.roster();
        Collection<String> from = roster != null ? roster.members().keySet() : members;
        return from.stream().filter(m -> !m.equals(self)).sorted().toList();
    }

    /** On partition 0's executor, in commit order (restored entries included). */
    private void rosterChanged(Roster roster) {
        if (holdsThisNode(roster)) {
            wasInRoster = true;
            if (removedAt > 0 && roster.member(self).joinedVersion() > removedAt) {
                rejoined();
            }
        } else if (wasInRoster && started && !roster.contains(self)) {
            markRemoved(roster.membership());
            return;
        }
        events.membershipChanged(roster.membership());
        reconciler.reconcile();
        eachPass.run();
    }

    private void scheduleReconcile() {
        if (reconciling.compareAndSet(false, true)) {
            nextReconcile();
        }
    }

    private void nextReconcile() {
        if (closed) {
            reconciling.set(false);
            return;
        }
        runtime.schedule(configuration.membershipReconcileIntervalMillis(), () -> {
            if (!closed && removedAt == 0) {
                reconciler.reconcile();
                eachPass.run();
                identifyIfUnknown();
                promoteIfRebuilt();
            } else if (!closed) {
                // Removed, it takes no part; its replicas' data goes once a member shows a committed
                // configuration without it (members answer a removed node's queries too).
                removedPass.run();
            }
            nextReconcile();
        });
    }

    /**
     * A member whose data was lost is a learner in the roster since it reported its new incarnation: once every
     * replica caught up (and votes again), it asks to be promoted. A joining node's own process does the same.
     */
    private void promoteIfRebuilt() {
        Roster roster = coordinator.roster();
        Member me = roster == null ? null : roster.member(self);
        JoinProcess current = join;
        if (me == null || me.role() != Member.Role.LEARNER || me.incarnation() != incarnation
                || (current != null && !current.isDone())) {
            return;
        }
        JoinProcess rebuild = new JoinProcess(configuration, incarnation, client, coordinator::roster, partitions,
                partitionCount, runtime, joinShortcut);
        join = rebuild;
        rebuild.promoteWhenRebuilt().whenComplete((voter, error) -> {
            if (error == null) {
                LOG.info("[{}] rebuilt after losing its data: the roster names it a voter again", self);
            }
        });
    }

    /** Reports this node's id and incarnation once the roster holds it without them (the first roster's members). */
    private void identifyIfUnknown() {
        Roster roster = coordinator.roster();
        Member me = roster == null ? null : roster.member(self);
        if (me == null || (me.nodeId() == configuration.nodeId() && me.incarnation() == incarnation)
                || !identifying.compareAndSet(false, true)) {
            return;
        }
        client.request(RosterCommand.of(RosterCommand.Kind.IDENTIFY, self, configuration.nodeId(), incarnation),
                configuration.membershipTimeoutMillis(), true).whenComplete((answer, error) -> identifying.set(false));
    }
}
