package io.kommander.internal.system;

import io.kommander.transport.RaftMessage.RosterRequest;
import io.kommander.transport.RaftMessage.RosterResponse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Who may ask what of the roster, and which roster messages are well formed. */
class RosterMessageSanityTest {

    private static RosterRequest request(int kind, String endpoint) {
        return new RosterRequest(0, 0, 1, kind, endpoint, 3, 0);
    }

    @Test
    void aStrangerMayOnlyAskToJoinForItselfOrAboutItsOwnRemoval() {
        assertThat(RosterMessageSanity.admissible("d:1", request(1, "d:1"), false)).isTrue();
        assertThat(RosterMessageSanity.admissible("d:1", request(1, "e:1"), false)).isFalse();
        assertThat(RosterMessageSanity.admissible("d:1", request(2, "d:1"), false)).isFalse();
        assertThat(RosterMessageSanity.admissible("d:1", request(3, "a:1"), false)).isFalse();
        assertThat(RosterMessageSanity.admissible("d:1", request(4, "a:1"), false)).isFalse();
        assertThat(RosterMessageSanity.admissible("d:1", request(4, "d:1"), false)).isTrue();
        assertThat(RosterMessageSanity.admissible("d:1", request(5, "d:1"), false)).isFalse();
        assertThat(RosterMessageSanity.admissible("d:1", request(6, "a:1"), false)).isFalse();
    }

    @Test
    void aMemberMayPromoteAndIdentifyOnlyItselfButAskAnyMemberToLeave() {
        assertThat(RosterMessageSanity.admissible("a:1", request(2, "a:1"), true)).isTrue();
        assertThat(RosterMessageSanity.admissible("a:1", request(2, "b:1"), true)).isFalse();
        assertThat(RosterMessageSanity.admissible("a:1", request(5, "b:1"), true)).isFalse();
        assertThat(RosterMessageSanity.admissible("a:1", request(3, "b:1"), true)).isTrue();
        assertThat(RosterMessageSanity.admissible("a:1", request(4, "b:1"), true)).isTrue();
        // A partition's leader reports that it refuses to take a leaving member out.
        assertThat(RosterMessageSanity.admissible("a:1", request(6, "b:1"), true)).isTrue();
    }

    @Test
    void malformedRequestsAndResponsesAreRefused() {
        assertThat(RosterMessageSanity.admissible("a:1", request(0, "a:1"), true)).isFalse();
        assertThat(RosterMessageSanity.admissible("a:1", request(7, "a:1"), true)).isFalse();
        assertThat(RosterMessageSanity.admissible("a:1", request(3, ""), true)).isFalse();
        assertThat(RosterMessageSanity.admissible("a:1", request(3, "x".repeat(1025)), true)).isFalse();
        assertThat(RosterMessageSanity.admissible("a:1", new RosterRequest(1, 0, 1, 3, "b:1", 0, 0), true)).isFalse();
        assertThat(RosterMessageSanity.admissible("a:1", new RosterRequest(0, 5, 1, 3, "b:1", 0, 0), true)).isFalse();
        assertThat(RosterMessageSanity.admissible("a:1", new RosterRequest(0, 0, -1, 3, "b:1", 0, 0), true)).isFalse();
        assertThat(RosterMessageSanity.admissible("a:1", new RosterRequest(0, 0, 1, 1, "a:1", -1, 0), false))
                .isFalse();
        assertThat(RosterMessageSanity.admissible(new RosterResponse(0, 0, 1, "Success", 3, ""))).isTrue();
        assertThat(RosterMessageSanity.admissible(new RosterResponse(0, 0, 1, "Success", -3, ""))).isFalse();
        assertThat(RosterMessageSanity.admissible(new RosterResponse(2, 0, 1, "Success", 3, ""))).isFalse();
    }
}
