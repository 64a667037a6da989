package io.kommander.transport.netty;

import io.kommander.transport.MessageBatch;
import io.kommander.transport.RaftMessage.TimeoutNow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Each bad peer loses its own connection, with a counted reason, while a good peer keeps being served. */
class BadInputTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int MAX_FRAME = 16 * 1024;
    private static final int FRAMES_PER_SECOND = 50;

    private TestNode node;
    private TestNode good;

    @BeforeEach
    void start() {
        node = TestNode.start(2, b -> b.maxFrameLength(MAX_FRAME).maxInboundFramesPerSecond(FRAMES_PER_SECOND));
        good = TestNode.start(1);
    }

    @AfterEach
    void stop() {
        good.close();
        node.close();
    }

    @AfterAll
    static void noLeaks() {
        LeakRecorder.assertNoLeaks();
    }

    @Test
    void aFrameOverTheMaximumLength() {
        byte[] header = {0, 0, (byte) 0x80, 1, FrameType.BATCH};
        assertClosedFor(CloseReason.FRAME_TOO_LARGE, RawPeer.handshaken(node.endpoint, "bad:1"), header);
    }

    @Test
    void aLargeFrameBeforeTheHandshake() {
        byte[] header = {0, 0, 0x20, 0, FrameType.HELLO};
        assertClosedFor(CloseReason.FRAME_TOO_LARGE, RawPeer.connect(node.endpoint), header);
    }

    @Test
    void anUnknownMessageType() {
        byte[] frame = {0, 0, 0, 5, FrameType.BATCH, 1, 99, 0, 0};
        assertClosedFor(CloseReason.UNKNOWN_TYPE, RawPeer.handshaken(node.endpoint, "bad:1"), frame);
    }

    @Test
    void anUnknownFrameTypeAfterTheHandshake() {
        byte[] frame = {0, 0, 0, 1, 0x7E};
        assertClosedFor(CloseReason.UNKNOWN_TYPE, RawPeer.handshaken(node.endpoint, "bad:1"), frame);
    }

    @Test
    void garbageInsteadOfAHandshake() {
        byte[] garbage = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertClosedFor(CloseReason.FRAME_TOO_LARGE, RawPeer.connect(node.endpoint), garbage);
    }

    @Test
    void garbageInsideAValidFrameBeforeTheHandshake() {
        byte[] frame = {0, 0, 0, 6, FrameType.HELLO, 'H', 'T', 'T', 'P', 0};
        assertClosedFor(CloseReason.MALFORMED, RawPeer.connect(node.endpoint), frame);
    }

    @Test
    void aBatchWhoseLengthsDisagreeWithTheFrame() {
        byte[] valid = SampleMessages.frameBytes(SampleMessages.batch("x:1", 1));
        byte[] truncated = Arrays.copyOf(valid, valid.length - 3);
        int length = truncated.length - 4;
        truncated[0] = (byte) (length >>> 24);
        truncated[1] = (byte) (length >>> 16);
        truncated[2] = (byte) (length >>> 8);
        truncated[3] = (byte) length;
        assertClosedFor(CloseReason.MALFORMED, RawPeer.handshaken(node.endpoint, "bad:1"), truncated);
    }

    @Test
    void aPeerThatFloods() {
        byte[] heartbeat = SampleMessages.frameBytes(new MessageBatch("x:1", List.of(new TimeoutNow(0, 1, 0))));
        byte[] flood = new byte[heartbeat.length * FRAMES_PER_SECOND * 4];
        for (int i = 0; i < FRAMES_PER_SECOND * 4; i++) {
            System.arraycopy(heartbeat, 0, flood, i * heartbeat.length, heartbeat.length);
        }
        assertClosedFor(CloseReason.FLOOD, RawPeer.handshaken(node.endpoint, "bad:1"), flood);
        assertThat(node.received.size()).isLessThanOrEqualTo(FRAMES_PER_SECOND + 10);
    }

    private void assertClosedFor(CloseReason reason, RawPeer bad, byte[] bytes) {
        try (bad) {
            bad.writeQuietly(bytes);
            assertThat(bad.closedByNode()).isTrue();
        }
        await().atMost(WAIT).until(() -> node.metrics().closed(reason) == 1);
        long before = node.received.stream().filter(b -> b.from().equals(good.endpoint)).count();
        good.send(node, new TimeoutNow(7, 7, 0));
        await().atMost(WAIT).until(() -> node.received.stream().filter(b -> b.from().equals(good.endpoint)).count()
                == before + 1);
        assertThat(node.metrics().snapshot().entrySet().stream()
                .filter(e -> e.getKey().startsWith("closed.") && e.getValue() > 0).map(e -> e.getKey()).toList())
                .containsExactly("closed." + reason.name().toLowerCase());
    }
}
