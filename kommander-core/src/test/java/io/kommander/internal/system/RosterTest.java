package io.kommander.internal.system;

import io.kommander.Member;
import io.kommander.Member.Role;
import io.kommander.RaftOperationStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.kommander.internal.system.RosterCommand.Kind.IDENTIFY;
import static io.kommander.internal.system.RosterCommand.Kind.JOIN;
import static io.kommander.internal.system.RosterCommand.Kind.LEAVE;
import static io.kommander.internal.system.RosterCommand.Kind.PROMOTE;
import static io.kommander.internal.system.RosterCommand.Kind.REMOVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The roster's rule book, pure: one membership change at a time, every refusal with its reason. */
class RosterTest {

    private final Roster three = Roster.first(RosterCommand.bootstrap(List.of(voter("a:1"), voter("b:1"),
            voter("c:1"))));

    @Test
    void joinAddsALearnerAtTheNextVersionAndPromotionMakesItAVoter() {
        Roster joined = accept(three, RosterCommand.of(JOIN, "d:1", 4, 9));
        assertThat(joined.version()).isEqualTo(2);
        assertThat(joined.member("d:1")).isEqualTo(new Member(4, "d:1", Role.LEARNER, 2, 9));

        Roster promoted = accept(joined, RosterCommand.of(PROMOTE, "d:1", 0, 0));
        assertThat(promoted.version()).isEqualTo(3);
        assertThat(promoted.member("d:1").role()).isEqualTo(Role.VOTER);
        assertThat(promoted.member("d:1").joinedVersion()).isEqualTo(2);
    }

    @Test
    void secondChangeWhileAMemberJoinsOrLeavesIsRefusedNotMerged() {
        Roster joining = accept(three, RosterCommand.of(JOIN, "d:1", 4, 0));
        assertThat(joining.decide(RosterCommand.of(JOIN, "e:1", 5, 0)).status())
                .isEqualTo(RaftOperationStatus.MembershipChangeInProgress);
        assertThat(joining.decide(RosterCommand.of(LEAVE, "a:1", 0, 0)).status())
                .isEqualTo(RaftOperationStatus.MembershipChangeInProgress);

        Roster leaving = accept(three, RosterCommand.of(LEAVE, "a:1", 0, 0));
        assertThat(leaving.decide(RosterCommand.of(JOIN, "e:1", 5, 0)).status())
                .isEqualTo(RaftOperationStatus.MembershipChangeInProgress);
        assertThat(leaving.decide(RosterCommand.of(LEAVE, "b:1", 0, 0)).status())
                .isEqualTo(RaftOperationStatus.MembershipChangeInProgress);
    }

    @Test
    void removingAVoterNeedsAMajorityOfTheRemainingVotersCurrent() {
        // Without c, a and b remain: both must be current (a majority of two is two).
        assertThat(three.survivesWithout("c:1", java.util.Set.of("a:1", "b:1"))).isTrue();
        assertThat(three.survivesWithout("c:1", java.util.Set.of("a:1", "c:1"))).isFalse();
        Roster four = accept(accept(three, RosterCommand.of(JOIN, "d:1", 4, 0)), RosterCommand.of(PROMOTE, "d:1", 0,
                0));
        // Without d, a majority of a, b, c is two.
        assertThat(four.survivesWithout("d:1", java.util.Set.of("a:1", "b:1"))).isTrue();
        assertThat(four.survivesWithout("d:1", java.util.Set.of("a:1", "d:1"))).isFalse();
        // A learner's removal never costs a quorum.
        Roster learner = accept(three, RosterCommand.of(JOIN, "d:1", 4, 0));
        assertThat(learner.survivesWithout("d:1", java.util.Set.of())).isTrue();
    }

    @Test
    void aMemberThatLostItsDataComesBackAsALearnerWithItsNewIncarnation() {
        Roster identified = accept(three, RosterCommand.of(IDENTIFY, "b:1", 2, 7));
        assertThat(identified.member("b:1")).isEqualTo(new Member(2, "b:1", Role.VOTER, 1, 7));

        Roster wiped = accept(identified, RosterCommand.of(IDENTIFY, "b:1", 2, 8));
        assertThat(wiped.member("b:1")).isEqualTo(new Member(2, "b:1", Role.LEARNER, 1, 8));
        assertThat(wiped.decide(RosterCommand.of(IDENTIFY, "b:1", 2, 8)).roster()).isSameAs(wiped);
        assertThat(accept(wiped, RosterCommand.of(PROMOTE, "b:1", 0, 0)).member("b:1").role())
                .isEqualTo(Role.VOTER);

        // A wiped node that asks to join again is recognised the same way.
        assertThat(accept(identified, RosterCommand.of(JOIN, "b:1", 2, 9)).member("b:1"))
                .isEqualTo(new Member(2, "b:1", Role.LEARNER, 1, 9));
    }

    @Test
    void aNewIncarnationWaitsItsTurnBehindAnotherChange() {
        Roster identified = accept(three, RosterCommand.of(IDENTIFY, "b:1", 2, 7));
        Roster joining = accept(identified, RosterCommand.of(JOIN, "d:1", 4, 0));
        assertThat(joining.decide(RosterCommand.of(IDENTIFY, "b:1", 2, 8)).status())
                .isEqualTo(RaftOperationStatus.MembershipChangeInProgress);
    }

    @Test
    void leaveThenRemoveTakesTheMemberOut() {
        Roster leaving = accept(three, RosterCommand.of(LEAVE, "b:1", 0, 0));
        assertThat(leaving.member("b:1").role()).isEqualTo(Role.LEAVING);
        Roster removed = accept(leaving, RosterCommand.of(REMOVE, "b:1", 0, 0));
        assertThat(removed.contains("b:1")).isFalse();
        assertThat(removed.version()).isEqualTo(3);
    }

    @Test
    void removeOfAMemberThatIsNotLeavingIsRefused() {
        assertThat(three.decide(RosterCommand.of(REMOVE, "b:1", 0, 0)).status())
                .isEqualTo(RaftOperationStatus.MembershipChangeInProgress);
    }

    @Test
    void repeatedCommandsAreAcceptedAndChangeNothing() {
        Roster joined = accept(three, RosterCommand.of(JOIN, "d:1", 4, 0));
        assertThat(joined.decide(RosterCommand.of(JOIN, "d:1", 4, 0)).roster()).isSameAs(joined);
        Roster leaving = accept(three, RosterCommand.of(LEAVE, "c:1", 0, 0));
        Roster removed = accept(leaving, RosterCommand.of(REMOVE, "c:1", 0, 0));
        assertThat(removed.decide(RosterCommand.of(REMOVE, "c:1", 0, 0))).satisfies(d -> {
            assertThat(d.status()).isEqualTo(RaftOperationStatus.Success);
            assertThat(d.roster()).isSameAs(removed);
        });
        assertThat(three.decide(RosterCommand.of(PROMOTE, "a:1", 0, 0)).roster()).isSameAs(three);
    }

    @Test
    void theLastVoterMayNotLeave() {
        Roster one = Roster.first(RosterCommand.bootstrap(List.of(voter("a:1"))));
        assertThat(one.decide(RosterCommand.of(LEAVE, "a:1", 0, 0)).status())
                .isEqualTo(RaftOperationStatus.TooFewVoters);
    }

    @Test
    void changesAboutNonMembersSayNotAMember() {
        assertThat(three.decide(RosterCommand.of(LEAVE, "z:1", 0, 0)).status())
                .isEqualTo(RaftOperationStatus.NotAMember);
        assertThat(three.decide(RosterCommand.of(PROMOTE, "z:1", 0, 0)).status())
                .isEqualTo(RaftOperationStatus.NotAMember);
    }

    @Test
    void identifyRecordsANodeIdAndIncarnationWithoutChangingTheRole() {
        Roster identified = accept(three, RosterCommand.of(IDENTIFY, "b:1", 2, 42));
        assertThat(identified.member("b:1")).isEqualTo(new Member(2, "b:1", Role.VOTER, 1, 42));
    }

    @Test
    void commandsRoundTripThroughTheirEncodingAndGarbageIsRefused() {
        for (RosterCommand command : List.of(RosterCommand.of(JOIN, "d:1", 4, Long.MAX_VALUE),
                RosterCommand.of(REMOVE, "host.example:7001", 0, 0),
                RosterCommand.bootstrap(List.of(voter("a:1"), new Member(0, "b:2", Role.LEARNER, 3, -1))))) {
            assertThat(RosterCommand.decode(command.encode())).isEqualTo(command);
        }
        byte[] bytes = RosterCommand.of(JOIN, "d:1", 4, 0).encode();
        for (int cut = 0; cut < bytes.length; cut++) {
            byte[] truncated = java.util.Arrays.copyOf(bytes, cut);
            assertThatThrownBy(() -> RosterCommand.decode(truncated)).isInstanceOf(IllegalArgumentException.class);
        }
        bytes[1] = 99;
        byte[] unknownKind = bytes;
        assertThatThrownBy(() -> RosterCommand.decode(unknownKind)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Member voter(String endpoint) {
        return new Member(0, endpoint, Role.VOTER, 1, 0);
    }

    private static Roster accept(Roster roster, RosterCommand command) {
        Roster.Decision decision = roster.decide(command);
        assertThat(decision.status()).isEqualTo(RaftOperationStatus.Success);
        return decision.roster();
    }
}
