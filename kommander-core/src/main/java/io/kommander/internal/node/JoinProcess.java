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
 * leader announced, holding the configuration that holds it as a current leader's log shows it, and, if its node lost
 * its data, voting again), then asks to be promoted to voter. Completes once the roster it has applied names it a
 * voter; each partition then promotes it as soon as it holds everything committed there.
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
    private final Shortcut shortcut;
    /** The membership version the roster answered the join with: the roster this node checks is at least that. */
    private volatile long joinedVersion;

    /** Planted bugs (negative controls of the simulator's promotion check): which part of the catch-up is skipped. */
    enum Shortcut {
        /** None: the process as documented. */
        NONE,
        /** Ask for promotion as soon as the roster holds this node, caught up or not. */
        PROMOTE_EARLY,
        /**
         * Trust a replica's lasting verification mark and the roster as applied, however old: a node the roster
         * removed while it was down, joining again, takes its old configurations for ones that hold it now.
         */
        TRUST_OLD_REPLICAS
    }

    /** @param shortcut a planted bug (negative control), or {@link Shortcut#NONE} */
    JoinProcess(RaftConfiguration configuration, long incarnation, RosterClient client, Supplier<Roster> roster,
                Map<Integer, RaftPartition> partitions, IntSupplier partitionCount, IRaftRuntime runtime,
                Shortcut shortcut) {
        this.self = configuration.endpoint();
        this.nodeId = configuration.nodeId();
        this.incarnation = incarnation;
        this.configuration = configuration;
        this.client = client;
        this.roster = roster;
        this.partitions = partitions;
        this.partitionCount = partitionCount;
        this.runtime = runtime;
        this.shortcut = shortcut;
    }

    /**
     * Starts joining; completes once this node is a voter in the roster, or fails with why it could not join.
     *
     * @param keptReplicas whether the node started on data of its own: replicas a leader may have reached before the
     *                     join was accepted (a node that starts empty has none, and is in no configuration until then)
     */
    CompletableFuture<Void> start(boolean keptReplicas) {
        client.request(RosterCommand.of(RosterCommand.Kind.JOIN, self, nodeId, incarnation),
                configuration.membershipTimeoutMillis(), true).whenComplete((answer, error) -> {
                    if (accepted(answer, error, "join")) {
                        joinedVersion = answer.version();
                        if (keptReplicas) {
                            forgetConfirmationsThenAwait();
                        } else {
                            awaitCaughtUp();
                        }
                    }
                });
        return done;
    }

    /**
     * For a node that started on data of its own: unless the roster already names it a voter, makes every replica it
     * holds forget that it held a leader's log before the join was accepted, then waits to catch up. A replica kept
     * from before this join (the roster may have removed this node while it was down, and admitted it again just now)
     * counts only once a leader's log confirms it after the join, so that its configuration is one written after it
     * (sim seeds 67282 and 81800). Replicas opened later start unconfirmed.
     */
    private void forgetConfirmationsThenAwait() {
        if (alreadyVoter() || shortcut == Shortcut.TRUST_OLD_REPLICAS) {
            awaitCaughtUp();
            return;
        }
        CompletableFuture<?>[] forgotten = partitions.values().stream()
                .map(partition -> partition.forgetLeaderConfirmation().exceptionally(stopped -> null))
                .toArray(CompletableFuture[]::new);
        // A partition that stops meanwhile is out of the map by then, or restores unconfirmed: either way done.
        CompletableFuture.allOf(forgotten).whenComplete((ignored, error) -> awaitCaughtUp());
    }

    /**
     * For a member the roster made a learner because it lost its data: waits until every replica caught up and votes
     * again, then asks to be promoted; completes as {@link #start(boolean)} does.
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
        if (alreadyVoter()) {
            // A restarted voter: nothing to promote, and its partitions need not hear from a leader first.
            done.complete(null);
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
     * Whether every partition (0 included) has this node in its configuration, lags by little and holds a current
     * leader's log. A replica's configuration alone proves nothing: one of a node that lost its data starts from the
     * initial configuration, and one this node kept while the roster removed it (down meanwhile, it joins again)
     * still names it a voter; either may be one the cluster replaced since (sim seeds 67282 and 81800: such a node
     * asked for promotion before its partitions added it again). Only a replica that has held a leader's log up to
     * that leader's commit index since the join was accepted (or since it was opened, if later), or that leads, shows
     * a configuration a current leader wrote.
     */
    private boolean caughtUp() {
        Roster known = roster.get();
        int count = partitionCount.getAsInt();
        boolean trustOld = shortcut == Shortcut.TRUST_OLD_REPLICAS;
        // Every live partition placed here open (ids need not be 1..count: partitions are created and removed online,
        // and the map places partitions on some members only), and 0; the count is -1 until the map is known.
        if (known == null || !known.contains(self) || (!trustOld && known.version() < joinedVersion) || count < 0
                || partitions.size() < count + 1) {
            return false;
        }
        if (shortcut == Shortcut.PROMOTE_EARLY) {
            return true;
        }
        for (RaftPartition partition : partitions.values()) {
            ReplicaView view = partition.view();
            if (view == null || view.configuration() == null || !view.configuration().contains(self)
                    || view.leaderCommit() - view.commitIndex() > configuration.promotionLagEntries()
                    || !(trustOld ? view.verified() : view.leader() || view.confirmed())) {
                return false;
            }
        }
        return true;
    }

    /** Whether the roster, as this node applied it at or after its join's answer, already names it a voter. */
    private boolean alreadyVoter() {
        Roster known = roster.get();
        Member me = known == null || known.version() < joinedVersion ? null : known.member(self);
        return me != null && me.role() == Member.Role.VOTER && me.incarnation() == incarnation;
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
