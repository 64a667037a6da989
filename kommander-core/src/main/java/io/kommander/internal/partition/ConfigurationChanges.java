package io.kommander.internal.partition;

import io.kommander.RaftOperationStatus;

import java.util.function.Predicate;

/**
 * The rules of a one-member configuration change, as a pure decision: what the next configuration is, or why the
 * change is refused. Whether a member holds everything committed is the leader's knowledge, passed in.
 */
final class ConfigurationChanges {

    /** A change's outcome: the next configuration (equal to the current one if nothing changes), or a refusal. */
    record Decision(Configuration next, RaftOperationStatus refusal) {

        static Decision to(Configuration next) {
            return new Decision(next, null);
        }

        static Decision refused(RaftOperationStatus refusal) {
            return new Decision(null, refusal);
        }
    }

    private ConfigurationChanges() {
    }

    /**
     * Decides {@code change} on {@code current}. Adding a member that is there already, or promoting a voter, changes
     * nothing. Promoting needs the learner to hold everything committed; removing a voter needs enough of the
     * remaining voters to hold everything committed to form their quorum (else the change could not commit, and the
     * partition would stall), and never removes the last one.
     */
    static Decision decide(Configuration current, ConfigurationChange change, Predicate<String> holdsCommitted) {
        String member = change.member();
        return switch (change.kind()) {
            case ADD_LEARNER -> Decision.to(current.contains(member) ? current : current.withLearner(member));
            case PROMOTE -> current.isVoter(member) ? Decision.to(current)
                    : !current.contains(member) ? Decision.refused(RaftOperationStatus.NotAMember)
                    : !holdsCommitted.test(member) ? Decision.refused(RaftOperationStatus.MemberNotCaughtUp)
                    : Decision.to(current.promoted(member));
            case REMOVE -> {
                if (!current.contains(member)) {
                    yield Decision.refused(RaftOperationStatus.NotAMember);
                }
                Configuration next = current.without(member);
                yield current.isVoter(member) && !canCommitUnder(next, holdsCommitted)
                        ? Decision.refused(RaftOperationStatus.TooFewVoters) : Decision.to(next);
            }
        };
    }

    /** Whether enough of {@code next}'s voters hold everything committed to form its quorum. */
    private static boolean canCommitUnder(Configuration next, Predicate<String> holdsCommitted) {
        if (next.voters().isEmpty()) {
            return false;
        }
        long caughtUp = next.voters().stream().filter(holdsCommitted).count();
        return new Quorum(next.voters().size()).isMajority((int) caughtUp);
    }
}
