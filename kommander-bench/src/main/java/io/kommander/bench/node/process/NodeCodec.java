package io.kommander.bench.node.process;

import io.kommander.bench.node.NodeStats;
import io.kommander.bench.node.WriteOutcome;
import io.kommander.bench.system.NodeLedger;
import io.kommander.bench.system.PartitionLedger;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The node protocol's wire format. A frame is a 4-byte length, then that many bytes: the 8-byte request id, a
 * 1-byte tag naming the request or reply, and the tag's fields (big-endian integers; byte arrays and strings as a
 * 4-byte length and the bytes, strings in UTF-8; a set of ids as a 4-byte count and its 64-bit words; a ledger as,
 * per partition, count, digest and the id set; stats as six counters, four partition sets and a flag). Anything
 * else is a {@link MalformedFrameException}. Stateless and thread-safe.
 */
public final class NodeCodec {

    /** The largest frame accepted (a ledger of millions of ids fits). */
    public static final int MAX_FRAME_BYTES = 64 << 20;

    private static final byte WRITE = 1;
    private static final byte IS_LEADER = 2;
    private static final byte LEDGER = 3;
    private static final byte CONFIGURATION = 4;
    private static final byte CLOSE = 5;
    private static final byte STATS = 6;
    private static final byte WRITTEN = 11;
    private static final byte FLAG = 12;
    private static final byte LEDGER_COPY = 13;
    private static final byte TEXT = 14;
    private static final byte ERROR = 15;
    private static final byte STATS_COPY = 16;
    private static final byte ACKNOWLEDGED = 0;
    private static final byte NOT_LEADER = 1;
    private static final byte FAILED = 2;

    private NodeCodec() {
    }

    /**
     * Reads one frame's content (without its length).
     *
     * @return the frame, or null if the stream ended cleanly before a new frame
     * @throws MalformedFrameException if the length is out of range or the stream ends inside the frame
     */
    public static byte[] readFrame(DataInputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        int length;
        byte[] frame;
        try {
            length = (first << 24) | (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8)
                    | in.readUnsignedByte();
            if (length < Long.BYTES + 1 || length > MAX_FRAME_BYTES) {
                throw new MalformedFrameException("frame length " + length + " is outside 9.." + MAX_FRAME_BYTES);
            }
            frame = new byte[length];
            in.readFully(frame);
        } catch (EOFException e) {
            throw new MalformedFrameException("the stream ended inside a frame");
        }
        return frame;
    }

    /** Writes one frame: its length, then its content. */
    public static void writeFrame(DataOutputStream out, byte[] frame) throws IOException {
        out.writeInt(frame.length);
        out.write(frame);
    }

    /** The frame content of a request. */
    public static byte[] encodeRequest(long id, NodeRequest request) {
        return encode(id, out -> {
            if (request instanceof NodeRequest.Write write) {
                out.writeByte(WRITE);
                out.writeInt(write.partition());
                writeBytes(out, write.payload());
            } else if (request instanceof NodeRequest.IsLeader isLeader) {
                out.writeByte(IS_LEADER);
                out.writeInt(isLeader.partition());
            } else if (request instanceof NodeRequest.Ledger) {
                out.writeByte(LEDGER);
            } else if (request instanceof NodeRequest.Configuration) {
                out.writeByte(CONFIGURATION);
            } else if (request instanceof NodeRequest.Stats) {
                out.writeByte(STATS);
            } else {
                out.writeByte(CLOSE);
            }
        });
    }

    /**
     * Decodes a request frame.
     *
     * @throws MalformedFrameException if the frame is not a well-formed request
     */
    public static Envelope<NodeRequest> decodeRequest(byte[] frame) throws MalformedFrameException {
        return decode(frame, (tag, in) -> switch (tag) {
            case WRITE -> new NodeRequest.Write(in.readInt(), readBytes(in));
            case IS_LEADER -> new NodeRequest.IsLeader(in.readInt());
            case LEDGER -> new NodeRequest.Ledger();
            case CONFIGURATION -> new NodeRequest.Configuration();
            case STATS -> new NodeRequest.Stats();
            case CLOSE -> new NodeRequest.Close();
            default -> throw new MalformedFrameException("unknown request tag " + tag);
        });
    }

    /** The frame content of a reply. */
    public static byte[] encodeReply(long id, NodeReply reply) {
        return encode(id, out -> {
            if (reply instanceof NodeReply.Written written) {
                out.writeByte(WRITTEN);
                writeOutcome(out, written.outcome());
            } else if (reply instanceof NodeReply.Flag flag) {
                out.writeByte(FLAG);
                out.writeBoolean(flag.value());
            } else if (reply instanceof NodeReply.Ledger ledger) {
                out.writeByte(LEDGER_COPY);
                writeLedger(out, ledger.ledger());
            } else if (reply instanceof NodeReply.Stats stats) {
                out.writeByte(STATS_COPY);
                writeStats(out, stats.stats());
            } else if (reply instanceof NodeReply.Text text) {
                out.writeByte(TEXT);
                writeString(out, text.text());
            } else {
                out.writeByte(ERROR);
                writeString(out, ((NodeReply.Error) reply).message());
            }
        });
    }

    /**
     * Decodes a reply frame.
     *
     * @throws MalformedFrameException if the frame is not a well-formed reply
     */
    public static Envelope<NodeReply> decodeReply(byte[] frame) throws MalformedFrameException {
        return decode(frame, (tag, in) -> switch (tag) {
            case WRITTEN -> new NodeReply.Written(readOutcome(in));
            case FLAG -> new NodeReply.Flag(in.readBoolean());
            case LEDGER_COPY -> new NodeReply.Ledger(readLedger(in));
            case STATS_COPY -> new NodeReply.Stats(readStats(in));
            case TEXT -> new NodeReply.Text(readString(in));
            case ERROR -> new NodeReply.Error(readString(in));
            default -> throw new MalformedFrameException("unknown reply tag " + tag);
        });
    }

    private interface BodyWriter {
        void write(DataOutputStream out) throws IOException;
    }

    private interface BodyReader<T> {
        T read(byte tag, DataInputStream in) throws IOException;
    }

    private static byte[] encode(long id, BodyWriter body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(id);
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    private static <T> Envelope<T> decode(byte[] frame, BodyReader<T> body) throws MalformedFrameException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(frame))) {
            long id = in.readLong();
            T decoded = body.read(in.readByte(), in);
            if (in.available() > 0) {
                throw new MalformedFrameException(in.available() + " unexpected bytes after the fields of " + decoded);
            }
            return new Envelope<>(id, decoded);
        } catch (MalformedFrameException e) {
            throw e;
        } catch (IOException e) {
            throw new MalformedFrameException("frame of " + frame.length + " bytes ends inside its fields");
        }
    }

    private static void writeOutcome(DataOutputStream out, WriteOutcome outcome) throws IOException {
        if (outcome instanceof WriteOutcome.NotLeader notLeader) {
            out.writeByte(NOT_LEADER);
            out.writeInt(notLeader.leaderHint());
            writeString(out, notLeader.reason());
        } else if (outcome instanceof WriteOutcome.Failed failed) {
            out.writeByte(FAILED);
            writeString(out, failed.reason());
        } else {
            out.writeByte(ACKNOWLEDGED);
        }
    }

    private static WriteOutcome readOutcome(DataInputStream in) throws IOException {
        byte kind = in.readByte();
        return switch (kind) {
            case ACKNOWLEDGED -> WriteOutcome.ACKNOWLEDGED;
            case NOT_LEADER -> new WriteOutcome.NotLeader(in.readInt(), readString(in));
            case FAILED -> new WriteOutcome.Failed(readString(in));
            default -> throw new MalformedFrameException("unknown write outcome " + kind);
        };
    }

    private static void writeLedger(DataOutputStream out, NodeLedger ledger) throws IOException {
        out.writeInt(ledger.partitionCount());
        for (int p = 0; p < ledger.partitionCount(); p++) {
            PartitionLedger copy = ledger.partition(p).copy();
            out.writeLong(copy.count());
            out.writeLong(copy.digest());
            writeBits(out, copy.ids());
        }
    }

    private static NodeLedger readLedger(DataInputStream in) throws IOException {
        int partitions = readLength(in, Integer.BYTES);
        List<PartitionLedger> ledgers = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            long count = in.readLong();
            long digest = in.readLong();
            ledgers.add(new PartitionLedger(readBits(in), count, digest));
        }
        return new NodeLedger(ledgers);
    }

    private static void writeStats(DataOutputStream out, NodeStats stats) throws IOException {
        out.writeLong(stats.cpuNanos());
        out.writeLong(stats.jitMillis());
        out.writeLong(stats.gcMillis());
        out.writeLong(stats.syncedBytes());
        out.writeLong(stats.walWrites());
        out.writeLong(stats.messagesSent());
        out.writeLong(stats.framesSent());
        out.writeLong(stats.transportBytesSent());
        writeBits(out, stats.hosted());
        writeBits(out, stats.placed());
        writeBits(out, stats.led());
        writeBits(out, stats.settled());
        out.writeBoolean(stats.leadsSystem());
    }

    private static NodeStats readStats(DataInputStream in) throws IOException {
        return new NodeStats(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                in.readLong(), in.readLong(),
                readBits(in), readBits(in), readBits(in), readBits(in), in.readBoolean());
    }

    private static void writeBits(DataOutputStream out, BitSet bits) throws IOException {
        long[] words = bits.toLongArray();
        out.writeInt(words.length);
        for (long word : words) {
            out.writeLong(word);
        }
    }

    private static BitSet readBits(DataInputStream in) throws IOException {
        long[] words = new long[readLength(in, Long.BYTES)];
        for (int w = 0; w < words.length; w++) {
            words[w] = in.readLong();
        }
        return BitSet.valueOf(words);
    }

    private static void writeString(DataOutputStream out, String text) throws IOException {
        writeBytes(out, text.getBytes(StandardCharsets.UTF_8));
    }

    private static String readString(DataInputStream in) throws IOException {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        byte[] bytes = new byte[readLength(in, 1)];
        in.readFully(bytes);
        return bytes;
    }

    /** A count of items of {@code itemBytes} each, checked against what is left of the frame. */
    private static int readLength(DataInputStream in, int itemBytes) throws IOException {
        int length = in.readInt();
        if (length < 0 || (long) length * itemBytes > in.available()) {
            throw new MalformedFrameException("length " + length + " does not fit the " + in.available()
                    + " bytes left in the frame");
        }
        return length;
    }
}
