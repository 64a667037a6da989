package io.kommander.transport.netty;

import io.netty.buffer.ByteBufUtil;

/** A {@link WireSink} that only counts the bytes an encoding would take. Not thread-safe; use one per encoding. */
final class SizeSink implements WireSink {

    private long size;

    /** The bytes counted so far (a long, so that an oversized batch is detected, not wrapped). */
    long size() {
        return size;
    }

    @Override
    public void u8(int value) {
        size++;
    }

    @Override
    public void varInt(int value) {
        size += varIntSize(value);
    }

    @Override
    public void varLong(long value) {
        size += varLongSize(value);
    }

    @Override
    public void string(String value) {
        int length = ByteBufUtil.utf8Bytes(value);
        size += varIntSize(length) + length;
    }

    @Override
    public void bytes(byte[] value) {
        size += varIntSize(value.length) + value.length;
    }

    @Override
    public void raw(byte[] value) {
        size += value.length;
    }

    static int varIntSize(int value) {
        return (31 - Integer.numberOfLeadingZeros(value | 1)) / 7 + 1;
    }

    static int varLongSize(long value) {
        return (63 - Long.numberOfLeadingZeros(value | 1)) / 7 + 1;
    }
}
