package io.kommander.transport.netty;

import io.kommander.transport.RaftMessage.TimeoutNow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

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
                    && stranger.metrics().closed(CloseReason.REFUSED_BY_PEER) >= 1);
            assertThat(node.received).isEmpty();
            assertThat(node.metrics().inboundHandshakes()).isZero();
            assertThat(stranger.metrics().outboundHandshakes()).isZero();
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
