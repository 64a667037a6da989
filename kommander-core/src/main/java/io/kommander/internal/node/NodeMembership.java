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
    /** The bound of each step of a removal: starting the leave, then ending it. */
    static final long MEMBERSHIP_TIMEOUT_MILLIS = 60_000;
    /** Where a node's incarnation is stored in its WAL's metadata (8 bytes, big-endian). */
    static final String INCARNATION_KEY = "node/incarnation";

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
    /** Whether this node's report of its id and incarnation is on its way. */
    private final AtomicBoolean identifying = new AtomicBoolean();
    private volatile long incarnation;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile JoinProcess join;

    /**
     * @param members               the configured members other than this node (its discovery list)
     * @param partitions            the node's partitions by id (partition 0 included, once started)
     * @param unknownSenderMessages where dropped messages are counted
     */
    NodeMembership(RaftConfiguration configuration, Set<String> members, IRaftRuntime runtime,
                   RaftSystemCoordinator coordinator, Map<Integer, RaftPartition> partitions,
                   RaftTransportDispatcher dispatcher, RaftEvents events, AtomicLong unknownSenderMessages) {
        this.configuration = configuration;
        this.self = configuration.endpoint();
        this.members = members;
        this.runtime = runtime;
        this.coordinator = coordinator;
        this.partitions = partitions;
        this.dispatcher = dispatcher;
        this.events = events;
        this.unknownSenderMessages = unknownSenderMessages;
        this.service = new RosterService(coordinator, this::systemLeaderHint,
                member -> reconciler().stillConfigured(member));
        this.reconciler = new MembershipReconciler(self, coordinator::roster, partitions::values, service);
        this.client = new RosterClient(self, runtime, service, this::systemLeaderHint, this::candidates,
                dispatcher::send);
        coordinator.onRosterChanged(this::rosterChanged);
    }

    /**
     * Reads this node's incarnation from the WAL (called once, as the node starts) and says whether its members
     * come from the roster: it joins a running cluster, or its WAL holds the system partition.
     */
    boolean prepare(IWAL wal) {
        incarnation = wal.metadata(INCARNATION_KEY).filter(b -> b.length == 8)
                .map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
        return configuration.joinExisting()
                || wal.lastPosition(RaftSystemCoordinator.SYSTEM_PARTITION).index() > 0;
    }

    /** Starts the reconciler's timer; with {@code joinExisting}, also the join, whose future it returns. */
    CompletableFuture<Void> start(IntSupplier partitionCount) {
        started = true;
        scheduleReconcile();
        if (!configuration.joinExisting()) {
            return CompletableFuture.completedFuture(null);
        }
        join = new JoinProcess(self, configuration.nodeId(), incarnation, client, coordinator::roster, partitions,
                partitionCount, runtime);
        return join.start();
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

    /** Whether messages from {@code sender} are taken: a roster member, or one of the listed members before it. */
    boolean isMember(String sender) {
        Roster roster = coordinator.roster();
        return roster != null ? roster.contains(sender) : members.contains(sender);
    }

    /** Marks the member leaving, then waits until the roster has removed it (after every partition has). */
    CompletableFuture<RaftOperationStatus> removal(String endpoint) {
        return client.request(RosterCommand.of(RosterCommand.Kind.LEAVE, endpoint, 0, 0), MEMBERSHIP_TIMEOUT_MILLIS,
                false).thenCompose(leave -> leave.status() != RaftOperationStatus.Success
                ? CompletableFuture.completedFuture(leave.status())
                : client.request(RosterCommand.of(RosterCommand.Kind.REMOVE, endpoint, 0, 0),
                        MEMBERSHIP_TIMEOUT_MILLIS, true).thenApply(RosterService.Answer::status));
    }

    /** A roster request or answer from {@code from}; {@code member} says whether the sender is a member. */
    void onMessage(String from, RaftMessage message, boolean member) {
        if (message instanceof RaftMessage.RosterResponse response) {
            if (RosterMessageSanity.admissible(response)) {
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
                        answer.leaderHint() == null ? "" : answer.leaderHint())));
    }

    private MembershipReconciler reconciler() {
        return reconciler;
    }

    private String systemLeaderHint() {
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
        events.membershipChanged(roster.membership());
        if (!roster.contains(self) && started && !configuration.joinExisting()) {
            LOG.warn("[{}] this node is no longer in the roster (version {}): it takes no further part; close it",
                    self, roster.version());
        }
        reconciler.reconcile();
    }

    private void scheduleReconcile() {
        if (!closed) {
            runtime.schedule(configuration.electionTimeoutMinMillis(), () -> {
                if (!closed) {
                    reconciler.reconcile();
                    identifyIfUnknown();
                    scheduleReconcile();
                }
            });
        }
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
                MEMBERSHIP_TIMEOUT_MILLIS, true).whenComplete((answer, error) -> identifying.set(false));
    }
}
