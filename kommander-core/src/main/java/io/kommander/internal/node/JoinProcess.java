package io.kommander.internal.node;

import io.kommander.Member;
import io.kommander.RaftClosedException;
import io.kommander.RaftConfiguration;
import io.kommander.RaftOperationStatus;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.partition.ReplicaView;
import io.kommander.internal.system.Roster;
import io.kommander.internal.system.RosterClient;
import io.kommander.internal.system.RosterCommand;
import io.kommander.internal.system.RosterService;
import io.kommander.runtime.IRaftRuntime;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * How a node becomes a voter of the roster: a node that joins a running cluster ({@code joinExisting}) first asks
 * the roster to add it as a learner (the partitions' leaders then add it to their configurations and send it their
 * logs); a member that lost its data is made a learner by the roster when it reports its new incarnation. Either way
 * it then waits until it has caught up on every partition (within {@code promotionLagEntries} of the commit index its
 * leader announced, holding the configuration that holds it, and, if its node lost its data, voting again), then
 * asks to be promoted to voter. Completes once the roster it has applied names it a voter; each partition then
 * promotes it as soon as it holds everything committed there.
 *
 * <p>Each request is retried until {@code membershipTimeoutMillis} (another change in progress waits its turn); the
 * catch-up itself has no time limit, since it follows progress. Idempotent, so a restart of a node that joined runs it
 * again harmlessly. Thread-safe.
 */
final class JoinProcess {

    /** How often the catch-up is checked. */
    private static final long POLL_MILLIS = 50;

    private final String self;
    private final int nodeId;
    private final long incarnation;
    private final RaftConfiguration configuration;
    private final RosterClient client;
    private final Supplier<Roster> roster;
    private final Map<Integer, RaftPartition> partitions;
    private final IntSupplier partitionCount;
    private final IRaftRuntime runtime;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    /** A planted bug: ask for promotion as soon as the roster holds this node, caught up or not. */
    private final boolean early;

    /** @param early a planted bug (negative control): ask for promotion without waiting to catch up */
    JoinProcess(RaftConfiguration configuration, long incarnation, RosterClient client, Supplier<Roster> roster,
                Map<Integer, RaftPartition> partitions, IntSupplier partitionCount, IRaftRuntime runtime,
                boolean early) {
        this.self = configuration.endpoint();
        this.nodeId = configuration.nodeId();
        this.incarnation = incarnation;
        this.configuration = configuration;
        this.client = client;
        this.roster = roster;
        this.partitions = partitions;
        this.partitionCount = partitionCount;
        this.runtime = runtime;
        this.early = early;
    }

    /** Starts joining; completes once this node is a voter in the roster, or fails with why it could not join. */
    CompletableFuture<Void> start() {
        client.request(RosterCommand.of(RosterCommand.Kind.JOIN, self, nodeId, incarnation),
                configuration.membershipTimeoutMillis(), true).whenComplete((answer, error) -> {
                    if (accepted(answer, error, "join")) {
                        awaitCaughtUp();
                    }
                });
        return done;
    }

    /**
     * For a member the roster made a learner because it lost its data: waits until every replica caught up and votes
     * again, then asks to be promoted; completes as {@link #start()} does.
     */
    CompletableFuture<Void> promoteWhenRebuilt() {
        awaitCaughtUp();
        return done;
    }

    /** Whether this process has ended (a voter, refused, or cancelled). */
    boolean isDone() {
        return done.isDone();
    }

    private void awaitCaughtUp() {
        if (done.isDone()) {
            return;
        }
        if (!caughtUp()) {
            runtime.schedule(POLL_MILLIS, this::awaitCaughtUp);
            return;
        }
        client.request(RosterCommand.of(RosterCommand.Kind.PROMOTE, self, 0, 0),
                configuration.membershipTimeoutMillis(), true).whenComplete((answer, error) -> {
                    if (accepted(answer, error, "promotion")) {
                        awaitVoter();
                    }
                });
    }

    private void awaitVoter() {
        if (done.isDone()) {
            return;
        }
        Roster known = roster.get();
        Member me = known == null ? null : known.member(self);
        if (me != null && me.role() == Member.Role.VOTER) {
            done.complete(null);
        } else {
            runtime.schedule(POLL_MILLIS, this::awaitVoter);
        }
    }

    /**
     * Whether every partition (0 included) has this node in its configuration, lags by little and is verified. A
     * replica of a node that lost its data starts from the initial configuration, which may still name it although
     * the cluster removed it since: only once it has held a leader's log up to that leader's commit index (verified)
     * is its configuration known to be one the leader wrote after adding it again.
     */
    private boolean caughtUp() {
        Roster known = roster.get();
        int count = partitionCount.getAsInt();
        // Every live partition placed here open (ids need not be 1..count: partitions are created and removed online,
        // and the map places partitions on some members only), and 0; the count is -1 until the map is known.
        if (known == null || !known.contains(self) || count < 0 || partitions.size() < count + 1) {
            return false;
        }
        if (early) {
            return true;
        }
        for (RaftPartition partition : partitions.values()) {
            ReplicaView view = partition.view();
            if (view == null || view.configuration() == null || !view.configuration().contains(self)
                    || view.leaderCommit() - view.commitIndex() > configuration.promotionLagEntries()
                    || !view.verified()) {
                return false;
            }
        }
        return true;
    }

    private boolean accepted(RosterService.Answer answer, Throwable error, String what) {
        if (error == null && answer.status() == RaftOperationStatus.Success) {
            return true;
        }
        if (error == null && answer.status() == RaftOperationStatus.NodeClosed) {
            // This node closed while it joined (its roster calls end so): as cancel() says, not a refusal.
            cancel();
            return false;
        }
        done.completeExceptionally(new IllegalStateException(self + ": " + what + " refused: "
                + (error != null ? error : answer.status())));
        return false;
    }

    /** Stops waiting: the join fails as the node closes. */
    void cancel() {
        done.completeExceptionally(new RaftClosedException("node closed before it joined"));
    }
}
