package io.kommander.transport.netty;

import io.kommander.transport.MessageBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BackPressureTest {

    private static final int HIGH_WATER_MARK = 256 * 1024;

    @AfterAll
    static void noLeaks() {
        LeakRecorder.assertNoLeaks();
    }

    @Test
    void aPeerThatStopsReadingCostsDroppedBatchesNotMemory() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             TestNode sender = TestNode.start(1, b -> b.writeBufferWaterMarks(64 * 1024, HIGH_WATER_MARK)
                     .insecurePlaintext())) {
            String endpoint = "127.0.0.1:" + server.getLocalPort();
            MessageBatch big = new MessageBatch(sender.endpoint, List.of(SampleMessages.appendWithPayload(1, 2, 64 * 1024)));
            sender.transport.send(endpoint, big);
            try (Socket stalled = server.accept()) {
                welcome(stalled);
                await().atMost(Duration.ofSeconds(10)).until(() -> sender.metrics().outboundHandshakes() == 1);
                int sends = 4000;
                for (int i = 0; i < sends; i++) {
                    sender.transport.send(endpoint, big);
                }
                long dropped = sender.metrics().dropped(DropReason.BACKPRESSURE);
                assertThat(dropped).isPositive();
                // What was queued is bounded by the watermark and what the kernel buffers, far below 4000 x 64 KiB.
                long queuedBytes = (long) (sends - dropped) * (64 * 1024 + 64);
                assertThat(queuedBytes).isLessThan(64L * 1024 * 1024);
            }
        }
    }

    /** Plays the server's part of the handshake (plaintext: no proof to compute), then never reads again. */
    private static void welcome(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] header = in.readNBytes(4);
        int length = ((header[0] & 0xFF) << 24) | ((header[1] & 0xFF) << 16) | ((header[2] & 0xFF) << 8)
                | (header[3] & 0xFF);
        in.readNBytes(length);
        socket.getOutputStream().write(RawPeer.welcome(RawPeer.handshake(PeerAuthMode.INSECURE_PLAINTEXT, 7,
                "127.0.0.1:" + socket.getLocalPort()), new byte[0]));
        socket.getOutputStream().flush();
    }
}
