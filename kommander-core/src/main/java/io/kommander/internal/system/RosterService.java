package io.kommander.internal.system;

import io.kommander.RaftOperationStatus;

import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Takes roster commands on the node that leads the system partition: decides each against the roster (so the caller
 * learns at once why a change is refused), proposes accepted ones one at a time, and answers once the entry has been
 * applied here, with the outcome it had when applied. Commands are proposed one at a time: one that arrives while the
 * previous is in the log, not yet applied, is answered {@link RaftOperationStatus#ProposalQueueFull} (try again),
 * never merged; the roster's own rule ({@link Roster#decide}) refuses a second membership change with
 * {@link RaftOperationStatus#MembershipChangeInProgress}.
 *
 * <p>Thread-safe: commands arrive from the transport and from the node's own calls; answers complete on partition
 * 0's executor (callers relay them).
 */
public final class RosterService {

    /**
     * The answer to a roster command.
     *
     * @param status     Success once applied (or already true), else why not
     * @param version    the membership version this node knows after the outcome (0 if none)
     * @param leaderHint the system partition's leader as this node knows it, or null
     */
    public record Answer(RaftOperationStatus status, long version, String leaderHint) {
    }

    private final RaftSystemCoordinator coordinator;
    private final Supplier<String> leaderHint;
    private final Predicate<String> stillConfigured;
    private boolean pending; // guarded by this

    /**
     * @param coordinator     the system partition's owner on this node
     * @param leaderHint      the system partition's leader as last known here
     * @param stillConfigured whether a member is still in some partition's configuration (as this node's replicas
     *                        see it): a leaving member is removed from the roster only once it is in none
     */
    public RosterService(RaftSystemCoordinator coordinator, Supplier<String> leaderHint,
                         Predicate<String> stillConfigured) {
        this.coordinator = coordinator;
        this.leaderHint = leaderHint;
        this.stillConfigured = stillConfigured;
    }

    /** Decides and, if it changes the roster, proposes {@code command}; completes with the outcome. */
    public CompletableFuture<Answer> submit(RosterCommand command) {
        Roster roster = coordinator.roster();
        if (!coordinator.isReadyLeader() || roster == null) {
            return CompletableFuture.completedFuture(answer(RaftOperationStatus.NodeIsNotLeader));
        }
        synchronized (this) {
            if (pending) {
                // The roster's own rule refuses a second membership change; this is only the log being busy with
                // the previous command for a moment, which callers retry (RosterClient does).
                return CompletableFuture.completedFuture(answer(RaftOperationStatus.ProposalQueueFull));
            }
            Roster.Decision decision = coordinator.decide(roster, command);
            if (decision.accepted() && decision.roster() != roster && command.kind() == RosterCommand.Kind.REMOVE
                    && stillConfigured.test(command.endpoint())) {
                return CompletableFuture.completedFuture(answer(RaftOperationStatus.MembershipChangeInProgress));
            }
            if (!decision.accepted() || decision.roster() == roster) {
                return CompletableFuture.completedFuture(answer(decision.status()));
            }
            pending = true;
        }
        return coordinator.propose(command).handle((result, error) -> {
            synchronized (this) {
                pending = false;
            }
            if (error != null) {
                return answer(RaftOperationStatus.Errored);
            }
            if (!result.success()) {
                return answer(result.status());
            }
            RaftOperationStatus applied = coordinator.outcomeAt(result.logIndex());
            return answer(applied != null ? applied : RaftOperationStatus.Success);
        });
    }

    private Answer answer(RaftOperationStatus status) {
        Roster roster = coordinator.roster();
        return new Answer(status, roster == null ? 0 : roster.version(), leaderHint.get());
    }
}
