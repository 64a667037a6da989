package io.kommander.transport.netty;

import io.kommander.transport.MessageBatch;
import io.kommander.transport.PeerIdentityHandler;
import io.kommander.transport.RaftMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Feeds the whole server-side inbound pipeline (frame decoder, handshake, batch decoder, guard) with random and
 * mutated inputs, split into random chunks: no exception may escape the pipeline and no buffer may leak (every
 * input buffer must end with a reference count of zero, and the PARANOID leak detector must report nothing).
 * Seeded, so a failure names the input that caused it and replays.
 */
class DecoderFuzzTest {

    private static final int INPUTS = 120_000;
    private static final long SEED = 0x4B4D4452L;
    private static final int MAX_FRAME = 64 * 1024;

    private final TransportMetrics metrics = new TransportMetrics();
    private final AtomicLong delivered = new AtomicLong();
    private final PipelineFactory pipelines = pipelines(PeerAuthMode.INSECURE_PLAINTEXT, delivered);
    private final AtomicLong deliveredWithoutProof = new AtomicLong();
    private final PipelineFactory secretPipelines = pipelines(PeerAuthMode.SHARED_SECRET, deliveredWithoutProof);

    @AfterAll
    static void noLeaks() {
        LeakRecorder.assertNoLeaks();
    }

    @Test
    void randomAndMutatedInputsNeverEscapeThePipelineNorLeak() {
        Random random = new Random(SEED);
        byte[] hello = RawPeer.hello(RawPeer.handshake(PeerAuthMode.INSECURE_PLAINTEXT, 2, "peer:2"));
        List<byte[]> batches = validBatchFrames();
        for (int i = 0; i < INPUTS; i++) {
            byte[] input = input(random, hello, batches);
            try {
                feed(pipelines, random, input);
            } catch (Throwable t) {
                fail("input " + i + " (seed " + SEED + ") escaped the pipeline", t);
            }
        }
        long closed = metrics.snapshot().entrySet().stream().filter(e -> e.getKey().startsWith("closed."))
                .mapToLong(e -> e.getValue()).sum();
        // The mix must exercise both paths: inputs that decode and inputs that close the connection.
        assertThat(delivered.get()).isGreaterThan(INPUTS / 20);
        assertThat(closed).isGreaterThan(INPUTS / 2);
        assertThat(metrics.closed(CloseReason.INTERNAL_ERROR)).isZero();
    }

    /**
     * The same against a node that requires a shared secret: HELLOs followed by random or mutated AUTH frames and
     * batches. No input can carry a valid proof (the server's nonce is new on every connection), so nothing may be
     * delivered, and every input must end in a counted closure or a connection still waiting for its proof.
     */
    @Test
    void noInputDeliversAnythingToANodeThatRequiresASecret() {
        Random random = new Random(SEED + 1);
        byte[] hello = RawPeer.hello(RawPeer.handshake(PeerAuthMode.SHARED_SECRET, 2, "peer:2"));
        List<byte[]> batches = validBatchFrames();
        int inputs = INPUTS / 6;
        for (int i = 0; i < inputs; i++) {
            byte[] proof = new byte[HandshakeProof.LENGTH];
            random.nextBytes(proof);
            byte[] auth = RawPeer.authFrame(proof);
            byte[] input = switch (random.nextInt(4)) {
                case 0 -> concat(hello, auth, batches.get(random.nextInt(batches.size())));
                case 1 -> concat(hello, mutate(random, auth), batches.get(random.nextInt(batches.size())));
                case 2 -> concat(hello, batches.get(random.nextInt(batches.size())));
                default -> mutate(random, concat(hello, auth, batches.get(random.nextInt(batches.size()))));
            };
            try {
                feed(secretPipelines, random, input);
            } catch (Throwable t) {
                fail("input " + i + " (seed " + (SEED + 1) + ") escaped the pipeline", t);
            }
        }
        assertThat(deliveredWithoutProof.get()).isZero();
        assertThat(metrics.closed(CloseReason.AUTHENTICATION_FAILED)).isGreaterThan(inputs / 4);
        assertThat(metrics.closed(CloseReason.INTERNAL_ERROR)).isZero();
    }

    private PipelineFactory pipelines(PeerAuthMode mode, AtomicLong deliveries) {
        Handshake self = self(mode);
        return new PipelineFactory(options(mode), self, self::identity, PeerIdentityHandler.NONE, metrics,
                new ConnectionCloser(metrics, "fuzz:1"),
                batch -> deliveries.incrementAndGet(), refusal -> { }, null, null,
                new InboundConnections(Integer.MAX_VALUE, Integer.MAX_VALUE), new InboundMemoryBudget(Long.MAX_VALUE));
    }

    private void feed(PipelineFactory pipelines, Random random, byte[] input) {
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                pipelines.initServer(ch);
            }
        });
        List<ByteBuf> sent = new ArrayList<>();
        for (int at = 0; at < input.length && channel.isOpen(); ) {
            int n = Math.min(input.length - at, 1 + random.nextInt(input.length));
            ByteBuf chunk = channel.alloc().buffer(n).writeBytes(input, at, n);
            sent.add(chunk.retain());
            channel.writeInbound(chunk);
            at += n;
        }
        channel.finishAndReleaseAll();
        for (ByteBuf chunk : sent) {
            assertThat(chunk.refCnt()).as("references held on an input buffer").isEqualTo(1);
            chunk.release();
        }
    }

    private static byte[] input(Random random, byte[] hello, List<byte[]> batches) {
        byte[] batch = batches.get(random.nextInt(batches.size()));
        return switch (random.nextInt(6)) {
            case 0 -> randomBytes(random, random.nextInt(200));
            case 1 -> concat(hello, randomBytes(random, random.nextInt(200)));
            case 2 -> concat(hello, mutate(random, batch));
            case 3 -> mutate(random, concat(hello, batch, batch));
            case 4 -> concat(hello, randomBody(random));
            default -> concat(hello, batch, mutate(random, batch));
        };
    }

    /** A frame with a correct header and a random body: exercises the message decoder, not the framing. */
    private static byte[] randomBody(Random random) {
        byte[] body = randomBytes(random, 1 + random.nextInt(120));
        body[0] = (byte) (random.nextInt(4) == 0 ? random.nextInt(3) : random.nextInt(8));
        byte[] header = {0, 0, 0, (byte) (body.length + 1), FrameType.BATCH};
        return concat(header, body);
    }

    private static byte[] mutate(Random random, byte[] original) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(original);
        byte[] bytes = out.toByteArray();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && bytes.length > 0; e++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(6)) {
                case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes[at] = (byte) random.nextInt(256);
                case 2 -> bytes = java.util.Arrays.copyOf(bytes, at);
                case 3 -> bytes = concat(java.util.Arrays.copyOf(bytes, at), randomBytes(random, 1 + random.nextInt(8)),
                        java.util.Arrays.copyOfRange(bytes, at, bytes.length));
                case 4 -> bytes[at] = (byte) (random.nextBoolean() ? 0xFF : 0x00);
                default -> bytes = concat(java.util.Arrays.copyOf(bytes, at),
                        java.util.Arrays.copyOfRange(bytes, Math.min(bytes.length, at + 1 + random.nextInt(8)),
                                bytes.length));
            }
        }
        return bytes;
    }

    private static List<byte[]> validBatchFrames() {
        List<byte[]> frames = new ArrayList<>();
        for (int partitions = 1; partitions <= 3; partitions++) {
            frames.add(SampleMessages.frameBytes(SampleMessages.batch("x:1", partitions)));
        }
        for (int size : new int[] {0, 1, 127, 128, 300}) {
            List<RaftMessage> one = List.of(SampleMessages.appendWithPayload(5, 9, size));
            frames.add(SampleMessages.frameBytes(new MessageBatch("x:1", one)));
        }
        return frames;
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static NettyTransportOptions options(PeerAuthMode mode) {
        return new NettyTransportOptions(1, false, "fuzz", null, MAX_FRAME, Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMillis(10), 1024, 4096, 4096, 1_000_000,
                mode, mode == PeerAuthMode.SHARED_SECRET ? TestNode.SECRETS : null, null, InboundLimits.DEFAULTS,
                Handshake.CURRENT_VERSION);
    }

    private static Handshake self(PeerAuthMode mode) {
        return Handshake.template(Handshake.CURRENT_VERSION, mode, TestNode.identity(1, "fuzz:1"));
    }
}
