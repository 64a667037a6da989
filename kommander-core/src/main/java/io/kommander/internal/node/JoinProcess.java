package io.kommander.internal.node;

import io.kommander.Member;
import io.kommander.RaftClosedException;
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
 * How a node joins a running cluster ({@code joinExisting}): it asks the roster to add it as a learner (the
 * partitions' leaders then add it to their configurations and send it their logs), waits until it has caught up on
 * every partition (within {@link #CATCH_UP_LAG} entries of the commit index its leader announced, and holding the
 * configuration that added it), then asks to be promoted to voter. Completes once the roster it has applied names it
 * a voter; each partition then promotes it as soon as it holds everything committed there.
 *
 * <p>Each request is retried until {@link #REQUEST_TIMEOUT_MILLIS} (another change in progress waits its turn); the
 * catch-up itself has no time limit, since it follows progress. Idempotent, so a restart of a node that joined runs it
 * again harmlessly. Thread-safe.
 */
final class JoinProcess {

    /** How far behind its leader's commit index a learner may be, on every partition, to ask for promotion. */
    static final long CATCH_UP_LAG = 100;
    /** The bound of each join or promotion request, retries included. */
    static final long REQUEST_TIMEOUT_MILLIS = 60_000;
    /** How often the catch-up is checked. */
    private static final long POLL_MILLIS = 50;

    private final String self;
    private final int nodeId;
    private final long incarnation;
    private final RosterClient client;
    private final Supplier<Roster> roster;
    private final Map<Integer, RaftPartition> partitions;
    private final IntSupplier partitionCount;
    private final IRaftRuntime runtime;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    JoinProcess(String self, int nodeId, long incarnation, RosterClient client, Supplier<Roster> roster,
                Map<Integer, RaftPartition> partitions, IntSupplier partitionCount, IRaftRuntime runtime) {
        this.self = self;
        this.nodeId = nodeId;
        this.incarnation = incarnation;
        this.client = client;
        this.roster = roster;
        this.partitions = partitions;
        this.partitionCount = partitionCount;
        this.runtime = runtime;
    }

    /** Starts joining; completes once this node is a voter in the roster, or fails with why it could not join. */
    CompletableFuture<Void> start() {
        client.request(RosterCommand.of(RosterCommand.Kind.JOIN, self, nodeId, incarnation), REQUEST_TIMEOUT_MILLIS,
                true).whenComplete((answer, error) -> {
                    if (accepted(answer, error, "join")) {
                        awaitCaughtUp();
                    }
                });
        return done;
    }

    private void awaitCaughtUp() {
        if (done.isDone()) {
            return;
        }
        if (!caughtUp()) {
            runtime.schedule(POLL_MILLIS, this::awaitCaughtUp);
            return;
        }
        client.request(RosterCommand.of(RosterCommand.Kind.PROMOTE, self, 0, 0), REQUEST_TIMEOUT_MILLIS, true)
                .whenComplete((answer, error) -> {
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

    /** Whether every partition (0 included) has this node in its configuration and it lags by little. */
    private boolean caughtUp() {
        Roster known = roster.get();
        int count = partitionCount.getAsInt();
        if (known == null || !known.contains(self) || count == 0) {
            return false;
        }
        for (int id = 0; id <= count; id++) {
            RaftPartition partition = partitions.get(id);
            ReplicaView view = partition == null ? null : partition.view();
            if (view == null || view.configuration() == null || !view.configuration().contains(self)
                    || view.leaderCommit() - view.commitIndex() > CATCH_UP_LAG) {
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
