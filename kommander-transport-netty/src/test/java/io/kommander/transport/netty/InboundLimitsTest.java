package io.kommander.transport.netty;

import io.kommander.transport.MessageBatch;
import io.kommander.transport.RaftMessage.TimeoutNow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 16, finding 4: what connections may cost once accepted, and one authenticated connection per peer. */
class InboundLimitsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @AfterAll
    static void noLeaks() {
        LeakRecorder.assertNoLeaks();
    }

    /** The header of a BATCH frame announcing {@code length} bytes (type included), and {@code sent} of them. */
    private static byte[] partialFrame(int length, int sent) {
        byte[] bytes = new byte[4 + sent];
        bytes[0] = (byte) (length >>> 24);
        bytes[1] = (byte) (length >>> 16);
        bytes[2] = (byte) (length >>> 8);
        bytes[3] = (byte) length;
        bytes[4] = FrameType.BATCH;
        return bytes;
    }

    @Test
    void aPeerThatStallsInsideAFrameIsDisconnectedAfterTheFrameReadTimeout() {
        try (TestNode node = TestNode.start(2, b -> b.frameReadTimeout(Duration.ofMillis(300)));
             RawPeer stalled = RawPeer.handshaken(node.endpoint, "127.0.0.1:1")) {
            stalled.write(partialFrame(1000, 10));
            assertThat(stalled.closedByNode()).isTrue();
            assertThat(node.metrics().closed(CloseReason.FRAME_TIMEOUT)).isEqualTo(1);
            await().atMost(WAIT).until(() -> node.transport.inboundMemory().reserved() == 0);
        }
    }

    @Test
    void aPeerThatCompletesItsFramesIsNotDisconnected() {
        try (TestNode node = TestNode.start(2, b -> b.frameReadTimeout(Duration.ofMillis(300)));
             RawPeer peer = RawPeer.handshaken(node.endpoint, "127.0.0.1:1")) {
            byte[] frame = SampleMessages.frameBytes(new MessageBatch("x:1", List.of(new TimeoutNow(1, 1, 0))));
            // The frame arrives in two parts: the first leaves it incomplete, the second completes it.
            peer.write(java.util.Arrays.copyOf(frame, 6));
            await().atMost(WAIT).until(() -> node.transport.inboundMemory().reserved() > 0);
            peer.write(java.util.Arrays.copyOfRange(frame, 6, frame.length));
            await().atMost(WAIT).until(() -> node.received.size() == 1);
            assertThat(node.transport.inboundMemory().reserved()).isZero();
            // Well past the timeout, the idle connection still carries frames: only an incomplete frame times out.
            await().pollDelay(Duration.ofMillis(600)).atMost(WAIT).until(() -> true);
            peer.write(frame);
            await().atMost(WAIT).until(() -> node.received.size() == 2);
            assertThat(node.metrics().closed(CloseReason.FRAME_TIMEOUT)).isZero();
        }
    }

    @Test
    void incompleteFramesOfAllConnectionsPinNoMoreThanTheBudget() {
        int frame = 64 * 1024;
        try (TestNode node = TestNode.start(2, b -> b.maxFrameLength(frame).maxInboundBufferedBytes(100 * 1024));
             RawPeer first = RawPeer.handshaken(node.endpoint, "127.0.0.1:1");
             RawPeer second = RawPeer.handshaken(node.endpoint, "127.0.0.1:2")) {
            first.write(partialFrame(60 * 1024, 100));
            await().atMost(WAIT).until(() -> node.transport.inboundMemory().reserved() == 4 + 60 * 1024);
            second.write(partialFrame(60 * 1024, 100));
            assertThat(second.closedByNode()).isTrue();
            assertThat(node.metrics().closed(CloseReason.INBOUND_MEMORY_LIMIT)).isEqualTo(1);
            assertThat(node.transport.inboundMemory().reserved()).isEqualTo(4 + 60 * 1024);
            first.close();
            await().atMost(WAIT).until(() -> node.transport.inboundMemory().reserved() == 0);
        }
    }

    @Test
    void connectionsStillHandshakingAreCapped() {
        try (TestNode node = TestNode.start(2, b -> b.maxInboundConnections(10).maxHandshakingConnections(2))) {
            List<RawPeer> silent = new ArrayList<>();
            try {
                silent.add(RawPeer.connect(node.endpoint));
                silent.add(RawPeer.connect(node.endpoint));
                await().atMost(WAIT).until(() -> node.transport.inboundConnections().handshaking() == 2);
                try (RawPeer third = RawPeer.connect(node.endpoint)) {
                    assertThat(third.closedByNode()).isTrue();
                }
                assertThat(node.metrics().closed(CloseReason.TOO_MANY_CONNECTIONS)).isEqualTo(1);
                // Once one of them is gone, a peer can handshake again.
                silent.remove(0).close();
                await().atMost(WAIT).until(() -> node.transport.inboundConnections().handshaking() == 1);
                try (RawPeer member = RawPeer.handshaken(node.endpoint, "127.0.0.1:1")) {
                    member.write(SampleMessages.frameBytes(new MessageBatch("x:1", List.of(new TimeoutNow(1, 1, 0)))));
                    await().atMost(WAIT).until(() -> node.received.size() == 1);
                }
            } finally {
                silent.forEach(RawPeer::close);
            }
        }
    }

    @Test
    void allInboundConnectionsAreCappedAuthenticatedOrNot() {
        try (TestNode node = TestNode.start(2, b -> b.maxInboundConnections(2).maxHandshakingConnections(2));
             RawPeer first = RawPeer.handshaken(node.endpoint, "127.0.0.1:1");
             RawPeer second = RawPeer.handshaken(node.endpoint, "127.0.0.1:2")) {
            await().atMost(WAIT).until(() -> node.transport.inboundConnections().authenticated() == 2);
            try (RawPeer third = RawPeer.connect(node.endpoint)) {
                assertThat(third.closedByNode()).isTrue();
            }
            assertThat(node.metrics().closed(CloseReason.TOO_MANY_CONNECTIONS)).isEqualTo(1);
            assertThat(node.transport.inboundConnections().open()).isEqualTo(2);
        }
    }

    /** A second authenticated connection from the same peer replaces the first: never two at once. */
    @Test
    void aSecondConnectionFromTheSamePeerReplacesTheFirst() {
        try (TestNode node = TestNode.start(2);
             RawPeer first = RawPeer.handshaken(node.endpoint, "127.0.0.1:1")) {
            first.write(SampleMessages.frameBytes(new MessageBatch("x:1", List.of(new TimeoutNow(1, 1, 0)))));
            await().atMost(WAIT).until(() -> node.received.size() == 1);
            try (RawPeer second = RawPeer.handshaken(node.endpoint, "127.0.0.1:1")) {
                assertThat(first.closedByNode()).isTrue();
                assertThat(node.metrics().closed(CloseReason.REPLACED)).isEqualTo(1);
                second.write(SampleMessages.frameBytes(new MessageBatch("x:1", List.of(new TimeoutNow(1, 2, 0)))));
                await().atMost(WAIT).until(() -> node.received.size() == 2);
                assertThat(node.transport.inboundConnections().authenticated()).isEqualTo(1);
                assertThat(node.transport.inboundConnections().open()).isEqualTo(1);
            }
        }
    }

    /** Between real transports, a peer that reconnects (its transport restarted) still holds one connection. */
    @Test
    void aPeerThatRestartsHoldsOneConnection() {
        String endpoint = FreePorts.loopbackEndpoint();
        try (TestNode node = TestNode.start(2)) {
            for (int round = 1; round <= 2; round++) {
                try (TestNode peer = TestNode.start(1, TestNode.CLUSTER, endpoint, b -> b)) {
                    peer.send(node, new TimeoutNow(1, round, 0));
                    int expected = round;
                    await().atMost(WAIT).until(() -> node.received.size() == expected);
                    assertThat(node.transport.inboundConnections().authenticated()).isEqualTo(1);
                }
            }
        }
    }
}
