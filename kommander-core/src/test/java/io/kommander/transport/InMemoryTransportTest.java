package io.kommander.transport;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryTransportTest {

    private static final List<String> MEMBERS = List.of("h:1", "h:2", "h:3");

    @Test
    void bothSidesLearnTheIdentityThePeerPresentsAtTheHandshake() {
        try (InMemoryNetwork network = new InMemoryNetwork()) {
            Queue<NodeIdentity> seenByA = new ConcurrentLinkedQueue<>();
            Queue<NodeIdentity> seenByB = new ConcurrentLinkedQueue<>();
            Queue<NodeIdentity> seenByC = new ConcurrentLinkedQueue<>();
            boolean[] aHolds = {false};
            NodeIdentity a = NodeIdentity.of("c", 1, "h:1", MEMBERS, 1);
            InMemoryTransport ta = network.transport();
            ta.start(new TransportBinding(() -> a.withState(11, aHolds[0]), batch -> { }, refusal -> { },
                    seenByA::add));
            InMemoryTransport tb = network.transport();
            tb.start(new TransportBinding(() -> NodeIdentity.of("c", 2, "h:2", MEMBERS, 1).withState(22, true),
                    batch -> { }, refusal -> { }, seenByB::add));
            InMemoryTransport tc = network.transport();
            tc.start(new TransportBinding(() -> NodeIdentity.of("c", 3, "h:3", MEMBERS, 1), batch -> { },
                    refusal -> { }, seenByC::add));

            ta.send("h:2", new MessageBatch("h:1", List.of()));
            assertThat(seenByB).singleElement().satisfies(peer -> {
                assertThat(peer.endpoint()).isEqualTo("h:1");
                assertThat(peer.incarnation()).isEqualTo(11);
                assertThat(peer.holdsEntries()).isFalse();
            });
            assertThat(seenByA).singleElement().satisfies(peer -> {
                assertThat(peer.incarnation()).isEqualTo(22);
                assertThat(peer.holdsEntries()).isTrue();
            });
            ta.send("h:2", new MessageBatch("h:1", List.of()));
            assertThat(seenByB).as("one handshake per pair of lifetimes").hasSize(1);

            aHolds[0] = true;
            ta.send("h:3", new MessageBatch("h:1", List.of()));
            assertThat(seenByC).singleElement().satisfies(peer -> assertThat(peer.holdsEntries())
                    .as("the identity is taken at each handshake").isTrue());
            ta.close();
            tb.close();
            tc.close();
        }
    }
}
