package io.kommander.transport.netty;

/**
 * Where the encoders put the protocol's primitive values. One encoder, two sinks: {@link SizeSink} measures the
 * exact encoded size (so a frame is allocated once, at its final size), {@link BufferSink} writes the bytes.
 */
interface WireSink {

    /** One unsigned byte. */
    void u8(int value);

    /** An unsigned LEB128 varint of 32 bits (a negative int takes 5 bytes). */
    void varInt(int value);

    /** An unsigned LEB128 varint of 64 bits (a negative long takes 10 bytes). */
    void varLong(long value);

    /** A zigzag-encoded signed varint of 64 bits: small magnitudes of either sign take few bytes. */
    default void zigzag(long value) {
        varLong((value << 1) ^ (value >> 63));
    }

    /** A varint byte length followed by the UTF-8 bytes of {@code value}. */
    void string(String value);

    /** A varint length followed by the bytes. */
    void bytes(byte[] value);

    /** Raw bytes, no length. */
    void raw(byte[] value);
}
