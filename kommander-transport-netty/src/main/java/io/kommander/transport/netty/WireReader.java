package io.kommander.transport.netty;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Reads the protocol's primitive values from a frame, checking every length against what the frame holds: any
 * shortfall or impossible value is a {@link ProtocolException} ({@link CloseReason#MALFORMED}), never an
 * {@link IndexOutOfBoundsException} or an oversized allocation. Not thread-safe.
 */
final class WireReader {

    private final ByteBuf in;

    WireReader(ByteBuf in) {
        this.in = in;
    }

    /** Bytes left to read. */
    int remaining() {
        return in.readableBytes();
    }

    int u8() {
        require(1, "byte");
        return in.readUnsignedByte();
    }

    int varInt() {
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = u8();
            if (shift == 28 && (b & 0xF0) != 0) {
                throw malformed("varint overflows 32 bits");
            }
            result |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw malformed("varint longer than 5 bytes");
    }

    long varLong() {
        long result = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = u8();
            if (shift == 63 && (b & 0xFE) != 0) {
                throw malformed("varint overflows 64 bits");
            }
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw malformed("varint longer than 10 bytes");
    }

    long zigzag() {
        long n = varLong();
        return (n >>> 1) ^ -(n & 1);
    }

    /**
     * A count or length: a varint no larger than the bytes left after it divided by {@code minBytesEach}, the
     * fewest bytes each counted item takes (1 for a byte length).
     */
    int length(int minBytesEach, String what) {
        return length(minBytesEach, what, "");
    }

    /** As {@link #length(int, String)}; the error names {@code what + suffix}, joined only if it is raised. */
    private int length(int minBytesEach, String what, String suffix) {
        int length = varInt();
        int max = remaining() / minBytesEach;
        if (length < 0 || length > max) {
            throw malformed(what + suffix + " " + Integer.toUnsignedString(length) + " exceeds the " + max
                    + " the frame can hold");
        }
        return length;
    }

    String string(String what) {
        return string(what, null);
    }

    /**
     * A length-prefixed string; {@code previous} itself when it has the same bytes (entries of one batch mostly
     * share their type, so a follower decodes it once per batch, not once per entry).
     *
     * @param previous the string read before at this place, or null
     */
    String string(String what, String previous) {
        int length = length(1, what, " length");
        String value = previous != null && equalsAhead(previous, length) ? previous
                : in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return value;
    }

    /** Whether the next {@code length} bytes are {@code text} (ASCII only: any other text is simply decoded). */
    private boolean equalsAhead(String text, int length) {
        if (text.length() != length) {
            return false;
        }
        int start = in.readerIndex();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80 || in.getByte(start + i) != (byte) c) {
                return false;
            }
        }
        return true;
    }

    /** A length-prefixed byte array: the one copy of a payload that decoding makes. */
    byte[] bytes(String what) {
        byte[] value = new byte[length(1, what, " length")];
        in.readBytes(value);
        return value;
    }

    void expectRaw(byte[] expected, String what) {
        require(expected.length, what);
        for (byte b : expected) {
            if (in.readByte() != b) {
                throw malformed("bad " + what);
            }
        }
    }

    /** Fails unless the frame has been read exactly to its end. */
    void expectEnd(String what) {
        if (in.isReadable()) {
            throw malformed(in.readableBytes() + " unexpected bytes after the " + what);
        }
    }

    private void require(int bytes, String what) {
        if (in.readableBytes() < bytes) {
            throw malformed("truncated " + what);
        }
    }

    static ProtocolException malformed(String message) {
        return new ProtocolException(CloseReason.MALFORMED, message);
    }
}
