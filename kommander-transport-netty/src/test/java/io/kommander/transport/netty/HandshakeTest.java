package io.kommander.transport.netty;

import io.kommander.discovery.Endpoints;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.NodeIdentity;
import io.kommander.transport.PeerRefusal;
import io.kommander.transport.RaftMessage.TimeoutNow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HandshakeTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @AfterAll
    static void noLeaks() {
        LeakRecorder.assertNoLeaks();
    }

    @Test
    void aPeerOfAnotherClusterIsRefusedOnBothSides() {
        try (TestNode stranger = TestNode.start(1, "other-cluster", FreePorts.loopbackEndpoint(), b -> b);
             TestNode node = TestNode.start(2)) {
            stranger.send(node, new TimeoutNow(1, 1, 0));
            await().atMost(WAIT).until(() -> node.metrics().closed(CloseReason.WRONG_CLUSTER) >= 1
                    && stranger.metrics().closed(CloseReason.WRONG_CLUSTER) >= 1
                    && !node.refusals.isEmpty() && !stranger.refusals.isEmpty());
            assertThat(node.received).isEmpty();
            assertThat(node.metrics().inboundHandshakes()).isZero();
            assertThat(stranger.metrics().outboundHandshakes()).isZero();
        }
    }

    @Test
    void bothSidesLearnThePeersIncarnationAndWhetherItHeldEntriesAtThatHandshake() {
        try (TestNode a = TestNode.start(1); TestNode b = TestNode.start(2); TestNode c = TestNode.start(3)) {
            a.send(b, new TimeoutNow(1, 1, 0));
            await().atMost(WAIT).until(() -> !a.peers.isEmpty() && !b.peers.isEmpty());
            assertThat(b.peers.peek()).satisfies(peer -> {
                assertThat(peer.endpoint()).isEqualTo(a.endpoint);
                assertThat(peer.incarnation()).isEqualTo(1001);
                assertThat(peer.holdsEntries()).isFalse();
            });
            assertThat(a.peers.peek().incarnation()).isEqualTo(1002);
            a.holdsEntries = true;
            a.send(c, new TimeoutNow(1, 1, 0));
            await().atMost(WAIT).until(() -> !c.peers.isEmpty());
            assertThat(c.peers.peek().holdsEntries()).as("taken anew for every connection").isTrue();
        }
    }

    @Test
    void aPeerOfAnotherProtocolVersionIsRefusedOnBothSides() {
        try (TestNode future = TestNode.start(1, b -> b.protocolVersion(Handshake.CURRENT_VERSION + 1));
             TestNode node = TestNode.start(2)) {
            future.send(node, new TimeoutNow(1, 1, 0));
            await().atMost(WAIT).until(() -> node.metrics().closed(CloseReason.WRONG_VERSION) >= 1
                    && future.metrics().closed(CloseReason.REFUSED_BY_PEER) >= 1);
            assertThat(node.received).isEmpty();
        }
    }

    @Test
    void aPeerWithTheSameNodeIdIsRefusedAndBothNodesAreToldWhoClashes() {
        try (TestNode first = TestNode.start(1); TestNode second = TestNode.start(1)) {
            first.send(second, new TimeoutNow(1, 1, 0));
            await().atMost(WAIT).until(() -> second.metrics().closed(CloseReason.WRONG_IDENTITY) >= 1
                    && first.metrics().closed(CloseReason.WRONG_IDENTITY) >= 1
                    && !first.refusals.isEmpty() && !second.refusals.isEmpty());
            assertThat(second.received).isEmpty();
            for (TestNode node : List.of(first, second)) {
                PeerRefusal refusal = node.refusals.peek();
                assertThat(refusal.reason()).isEqualTo(PeerRefusal.Reason.NODE_ID);
                assertThat(refusal.message()).contains("node id 1", first.endpoint, second.endpoint);
            }
            assertThat(first.refusals.peek().peer()).isEqualTo(second.endpoint);
            assertThat(second.refusals.peek().peer()).isEqualTo(first.endpoint);
        }
    }

    @Test
    void peersWithAnotherMemberListOrPartitionCountAreRefused() {
        String otherMembers = FreePorts.loopbackEndpoint();
        String otherPartitions = FreePorts.loopbackEndpoint();
        try (TestNode node = TestNode.start(1);
             TestNode listsOthers = TestNode.start(new NodeIdentity(TestNode.CLUSTER, 2, otherMembers, 2,
                     TestNode.MEMBERS_DIGEST, 1), b -> b);
             TestNode morePartitions = TestNode.start(new NodeIdentity(TestNode.CLUSTER, 3, otherPartitions, 1,
                     TestNode.MEMBERS_DIGEST, 16), b -> b)) {
            listsOthers.send(node, new TimeoutNow(1, 1, 0));
            morePartitions.send(node, new TimeoutNow(1, 1, 0));
            await().atMost(WAIT).until(() -> node.refusals.size() >= 2 && !listsOthers.refusals.isEmpty()
                    && !morePartitions.refusals.isEmpty());
            assertThat(node.received).isEmpty();
            assertThat(node.metrics().closed(CloseReason.WRONG_IDENTITY)).isGreaterThanOrEqualTo(2);
            assertThat(listsOthers.refusals.peek().reason()).isEqualTo(PeerRefusal.Reason.MEMBERS);
            assertThat(listsOthers.refusals.peek().message()).contains("lists 2 members", "lists 1 members");
            assertThat(morePartitions.refusals.peek().reason()).isEqualTo(PeerRefusal.Reason.PARTITIONS);
            assertThat(morePartitions.refusals.peek().message()).contains("initialPartitions 16",
                    "initialPartitions 1");
        }
    }

    /** The dialling side checks that the node it reached calls itself what it dialled: no alias goes unnoticed. */
    @Test
    void aPeerThatCallsItselfOtherThanTheEndpointDialledIsRefusedByTheDialler() {
        String listening = FreePorts.loopbackEndpoint();
        String claimed = "10.255.255.1:" + Endpoints.parsePort(listening);
        try (TestNode node = TestNode.start(1);
             TestNode alias = TestNode.start(TestNode.identity(2, claimed), b -> b.bindHost("127.0.0.1"))) {
            node.transport.send(listening, new MessageBatch(node.endpoint, List.of(new TimeoutNow(1, 1, 0))));
            await().atMost(WAIT).until(() -> !node.refusals.isEmpty());
            PeerRefusal refusal = node.refusals.peek();
            assertThat(refusal.reason()).isEqualTo(PeerRefusal.Reason.ENDPOINT);
            assertThat(refusal.peer()).isEqualTo(listening);
            assertThat(refusal.message()).contains(node.endpoint, listening, claimed);
            assertThat(node.metrics().closed(CloseReason.WRONG_IDENTITY)).isGreaterThanOrEqualTo(1);
            assertThat(node.metrics().outboundHandshakes()).isZero();
            assertThat(alias.received).isEmpty();
        }
    }

    @Test
    void aHandshakeThatNeverComesTimesOut() {
        try (TestNode node = TestNode.start(2, b -> b.handshakeTimeout(Duration.ofMillis(200)));
             RawPeer silent = RawPeer.connect(node.endpoint)) {
            assertThat(silent.closedByNode()).isTrue();
            assertThat(node.metrics().closed(CloseReason.HANDSHAKE_TIMEOUT)).isEqualTo(1);
        }
    }

    @Test
    void aRawPeerThatHandshakesIsWelcomedAndItsBatchesArriveFromItsEndpoint() {
        try (TestNode node = TestNode.start(2);
             RawPeer peer = RawPeer.handshaken(node.endpoint, "10.1.1.1:7000")) {
            peer.write(SampleMessages.frameBytes(SampleMessages.batch("ignored:1", 1)));
            await().atMost(WAIT).until(() -> node.received.size() == 1);
            assertThat(node.received.peek().from()).isEqualTo("10.1.1.1:7000");
        }
    }
}
