package io.kommander.internal.system;

import io.kommander.Member;
import io.kommander.RaftOperationStatus;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
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
 * <p>A removal waits until every partition has taken the member out. A partition whose leader refuses that for want
 * of current voters (its own rule, which can fail where partition 0's passes: a remaining voter lags on that
 * partition only) reports it ({@link RosterCommand.Kind#REFUSAL}); while such a report is fresh, the waiting removal
 * is answered {@link RaftOperationStatus#TooFewVoters} instead of "still in progress".
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
    private final Supplier<CompletableFuture<Set<String>>> currentMembers;
    private final LongSupplier clock;
    private final long refusalFreshMillis;
    /** Per leaving member: when a partition's leader last reported that it refuses to take it out. */
    private final Map<String, Long> refusals = new ConcurrentHashMap<>();
    private boolean pending; // guarded by this

    /**
     * @param coordinator     the system partition's owner on this node
     * @param leaderHint      the system partition's leader as last known here
     * @param stillConfigured whether a partition still holds a member: the map places one on it, or a configuration
     *                        this node's replicas see holds it; a leaving member is removed from the roster only
     *                        once none does
     * @param currentMembers  on partition 0's leader, the members that hold everything committed there and answer
     *                        (see {@link Roster#survivesWithout}); completes with null when not known (yet)
     * @param clock              the node's monotonic clock, in milliseconds
     * @param refusalFreshMillis how long a partition's report that it refuses a removal counts (its leader repeats
     *                           it while the refusal lasts)
     */
    public RosterService(RaftSystemCoordinator coordinator, Supplier<String> leaderHint,
                         Predicate<String> stillConfigured, Supplier<CompletableFuture<Set<String>>> currentMembers,
                         LongSupplier clock, long refusalFreshMillis) {
        this.coordinator = coordinator;
        this.leaderHint = leaderHint;
        this.stillConfigured = stillConfigured;
        this.currentMembers = currentMembers;
        this.clock = clock;
        this.refusalFreshMillis = refusalFreshMillis;
    }

    /** Decides and, if it changes the roster, proposes {@code command}; completes with the outcome. */
    public CompletableFuture<Answer> submit(RosterCommand command) {
        Roster roster = coordinator.roster();
        if (!coordinator.isReadyLeader() || roster == null) {
            return CompletableFuture.completedFuture(answer(RaftOperationStatus.NodeIsNotLeader));
        }
        if (command.kind() == RosterCommand.Kind.REFUSAL) {
            return CompletableFuture.completedFuture(answer(refused(roster, command.endpoint())));
        }
        Roster.Decision decision;
        synchronized (this) {
            if (pending) {
                // The roster's own rule refuses a second membership change; this is only the log being busy with
                // the previous command for a moment, which callers retry (RosterClient does).
                return CompletableFuture.completedFuture(answer(RaftOperationStatus.ProposalQueueFull));
            }
            decision = coordinator.decide(roster, command);
            boolean removal = command.kind() == RosterCommand.Kind.REMOVE && decision.accepted()
                    && decision.roster() != roster;
            if (removal && stillConfigured.test(command.endpoint())) {
                // The leave goes on; unless it cannot, for want of voters, the caller waits for its end.
                return quorumCheck(roster, command.endpoint(), refusedByAPartition(command.endpoint())
                        ? RaftOperationStatus.TooFewVoters : RaftOperationStatus.MembershipChangeInProgress);
            }
            if (!decision.accepted() || decision.roster() == roster) {
                return CompletableFuture.completedFuture(answer(decision.status()));
            }
            pending = true;
        }
        if (command.kind() == RosterCommand.Kind.LEAVE) {
            return quorumCheck(roster, command.endpoint(), RaftOperationStatus.Success).thenCompose(checked ->
                    checked.status() == RaftOperationStatus.Success ? propose(command) : release(checked));
        }
        return propose(command);
    }

    /**
     * Whether the voters left without {@code member} can still form a quorum of members that hold everything
     * committed (see {@link Roster#survivesWithout}): answers {@code ifSo}, else
     * {@link RaftOperationStatus#TooFewVoters}, or "try again" while partition 0's leader does not know yet who
     * answers it.
     */
    private CompletableFuture<Answer> quorumCheck(Roster roster, String member, RaftOperationStatus ifSo) {
        return currentMembers.get().handle((current, error) -> answer(error != null || current == null
                ? RaftOperationStatus.ProposalQueueFull
                : roster.survivesWithout(member, current) ? ifSo : RaftOperationStatus.TooFewVoters));
    }

    /** A partition's leader reports that it refuses to take {@code member} out; only a leaving member's counts. */
    private RaftOperationStatus refused(Roster roster, String member) {
        Member leaving = roster.member(member);
        if (leaving == null || leaving.role() != Member.Role.LEAVING) {
            return RaftOperationStatus.NotAMember;
        }
        refusals.put(member, clock.getAsLong());
        return RaftOperationStatus.Success;
    }

    /** Whether some partition's leader reported lately that it refuses to take {@code member} out. */
    private boolean refusedByAPartition(String member) {
        Long at = refusals.get(member);
        if (at != null && clock.getAsLong() - at > refusalFreshMillis) {
            refusals.remove(member, at);
            return false;
        }
        return at != null;
    }

    private CompletableFuture<Answer> release(Answer answer) {
        synchronized (this) {
            pending = false;
        }
        return CompletableFuture.completedFuture(answer);
    }

    private CompletableFuture<Answer> propose(RosterCommand command) {
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
