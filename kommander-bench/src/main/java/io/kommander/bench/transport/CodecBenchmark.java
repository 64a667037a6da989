package io.kommander.bench.transport;

import io.kommander.transport.MessageBatch;
import io.kommander.transport.netty.MessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Encode and decode throughput of {@link MessageCodec} for a batch of {@value #MESSAGES} AppendLogs of one entry
 * each. The primary score is messages per second; the {@code encodedBytes} counter is bytes per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class CodecBenchmark {

    static final int MESSAGES = 32;

    /** Payload bytes of each entry: a small command, or a 16 KiB blob. */
    @Param({"64", "16384"})
    public int entrySize;

    private MessageBatch batch;
    private ByteBuf encoded;
    private int encodedSize;

    /** Bytes per second through the codec, as a JMH secondary result. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        /** Encoded bytes processed. */
        public long encodedBytes;

        /** Resets the counter before each iteration. */
        @Setup(Level.Iteration)
        public void reset() {
            encodedBytes = 0;
        }
    }

    /** Builds the batch and one encoded copy of it. */
    @Setup
    public void setUp() {
        batch = BenchBatches.appendBatch("127.0.0.1:7001", MESSAGES, entrySize);
        encodedSize = (int) MessageCodec.encodedSize(batch);
        encoded = ByteBufAllocator.DEFAULT.directBuffer(encodedSize);
        MessageCodec.encode(batch, encoded);
    }

    /** Releases the encoded copy. */
    @TearDown
    public void tearDown() {
        encoded.release();
    }

    /** Measures, allocates a pooled direct buffer of the exact size, encodes, releases. */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public int encode(Bytes bytes) {
        int size = (int) MessageCodec.encodedSize(batch);
        ByteBuf out = ByteBufAllocator.DEFAULT.directBuffer(size);
        try {
            MessageCodec.encode(batch, out);
            bytes.encodedBytes += size;
            return out.writerIndex();
        } finally {
            out.release();
        }
    }

    /** Decodes the encoded batch (payloads are copied into new arrays, as on receipt). */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public MessageBatch decode(Bytes bytes) {
        encoded.readerIndex(0);
        bytes.encodedBytes += encodedSize;
        return MessageCodec.decode(encoded, "127.0.0.1:7001");
    }
}
