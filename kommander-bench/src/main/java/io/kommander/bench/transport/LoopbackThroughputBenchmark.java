package io.kommander.bench.transport;

import io.kommander.transport.MessageBatch;
import io.kommander.transport.NodeIdentity;
import io.kommander.transport.TransportBinding;
import io.kommander.transport.netty.DropReason;
import io.kommander.transport.netty.NettyTransport;
import io.kommander.transport.netty.SharedSecrets;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Payload throughput over loopback between two {@link NettyTransport}s (encode, plain TCP, decode, delivery to the
 * inbound handler), beside a plain blocking {@link SocketChannel} moving the same bytes per operation. One
 * operation is one batch of {@value #MESSAGES} AppendLogs of {@value #ENTRY_SIZE} bytes (1 MiB of payload); the
 * {@code payloadBytes} counter is payload bytes per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LoopbackThroughputBenchmark {

    static final int MESSAGES = 64;
    static final int ENTRY_SIZE = 16 * 1024;
    /** Batches in flight before the sender waits for the receiver: well below the write-buffer high watermark. */
    static final int WINDOW = 8;

    /** Payload bytes per second, as a JMH secondary result. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Payload {
        /** Payload bytes moved. */
        public long payloadBytes;

        /** Resets the counter before each iteration. */
        @Setup(Level.Iteration)
        public void reset() {
            payloadBytes = 0;
        }
    }

    /** Two started transports on loopback and the batch to send. */
    @State(Scope.Benchmark)
    public static class NettyPair {
        final AtomicLong received = new AtomicLong();
        final Semaphore window = new Semaphore(WINDOW);
        NettyTransport sender;
        NettyTransport receiver;
        String receiverEndpoint;
        MessageBatch batch;
        long payload;
        long sent;
        long droppedWhileConnecting;

        /** Starts both transports and connects them. */
        @Setup
        public void setUp() throws InterruptedException {
            String senderEndpoint = freeEndpoint();
            receiverEndpoint = freeEndpoint();
            SharedSecrets secrets = SharedSecrets.of(new byte[32]);   // loopback only: the key guards nothing here
            receiver = NettyTransport.builder().ioThreads(1).threadNamePrefix("bench-receiver")
                    .sharedSecret(secrets).build();
            List<String> members = List.of(senderEndpoint, receiverEndpoint);
            receiver.start(new TransportBinding(NodeIdentity.of("bench", 2, receiverEndpoint, members, 1), b -> {
                received.incrementAndGet();
                window.release();
            }, refusal -> { }));
            sender = NettyTransport.builder().ioThreads(1).threadNamePrefix("bench-sender")
                    .writeBufferWaterMarks(16 * 1024 * 1024, 32 * 1024 * 1024).sharedSecret(secrets).build();
            sender.start(new TransportBinding(NodeIdentity.of("bench", 1, senderEndpoint, members, 1), b -> { },
                    refusal -> { }));
            batch = BenchBatches.appendBatch(senderEndpoint, MESSAGES, ENTRY_SIZE);
            payload = BenchBatches.payloadBytes(batch);
            connect();
        }

        /** Sends until one batch arrives, so that no measured send finds the peer unconnected. */
        private void connect() throws InterruptedException {
            window.acquire(WINDOW);
            while (received.get() == 0) {
                sender.send(receiverEndpoint, batch);
                window.tryAcquire(100, TimeUnit.MILLISECONDS);
            }
            window.drainPermits();
            window.release(WINDOW);
            received.set(0);
            droppedWhileConnecting = dropped();
        }

        /** Reports drops (none expected: the window stays below the watermark) and closes both transports. */
        @TearDown
        public void tearDown() {
            System.out.println("netty loopback: sent " + sent + " batches, received " + received.get()
                    + ", dropped " + (dropped() - droppedWhileConnecting) + ", epoll " + sender.usesNativeTransport() + "\n  sender " + sender.metrics()
                    + "\n  receiver " + receiver.metrics());
            sender.close();
            receiver.close();
        }

        long dropped() {
            long total = 0;
            for (DropReason reason : DropReason.values()) {
                total += sender.metrics().dropped(reason);
            }
            return total;
        }
    }

    /** A blocking socket pair on loopback whose reader discards what it reads. */
    @State(Scope.Benchmark)
    public static class RawPair {
        final ByteBuffer chunk = ByteBuffer.allocateDirect(MESSAGES * ENTRY_SIZE);
        ServerSocketChannel server;
        SocketChannel writer;
        Thread reader;

        /** Connects the pair and starts the discarding reader. */
        @Setup
        public void setUp() throws IOException {
            server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            writer = SocketChannel.open(server.getLocalAddress());
            writer.socket().setTcpNoDelay(true);
            SocketChannel accepted = server.accept();
            reader = new Thread(() -> discard(accepted), "bench-raw-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private static void discard(SocketChannel channel) {
            ByteBuffer sink = ByteBuffer.allocateDirect(256 * 1024);
            try (channel) {
                while (channel.read(sink.clear()) >= 0) {
                    // discard
                }
            } catch (IOException e) {
                // the writer closed: the benchmark is over
            }
        }

        /** Closes the sockets; the reader ends at end of stream. */
        @TearDown
        public void tearDown() throws IOException, InterruptedException {
            writer.close();
            server.close();
            reader.join(10_000);
        }
    }

    /**
     * Sends one 1 MiB batch through Netty, keeping at most {@value #WINDOW} batches in flight (a dropped batch would
     * never release its permit and stall the run: none is expected, and the teardown reports drops).
     */
    @Benchmark
    public long nettyTransport(NettyPair pair, Payload counter) {
        pair.window.acquireUninterruptibly();
        pair.sender.send(pair.receiverEndpoint, pair.batch);
        pair.sent++;
        counter.payloadBytes += pair.payload;
        return pair.sent;
    }

    /** Writes the same number of bytes through a plain blocking socket. */
    @Benchmark
    public int rawSocket(RawPair pair, Payload counter) throws IOException {
        ByteBuffer chunk = pair.chunk.clear();
        int written = 0;
        while (chunk.hasRemaining()) {
            written += pair.writer.write(chunk);
        }
        counter.payloadBytes += written;
        return written;
    }

    private static String freeEndpoint() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
