package io.kommander.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/** A {@link WireSink} that writes into a {@link ByteBuf}. Entry payloads are copied once, into the frame. */
final class BufferSink implements WireSink {

    private final ByteBuf out;

    BufferSink(ByteBuf out) {
        this.out = out;
    }

    @Override
    public void u8(int value) {
        out.writeByte(value);
    }

    @Override
    public void varInt(int value) {
        while ((value & ~0x7F) != 0) {
            out.writeByte((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.writeByte(value);
    }

    @Override
    public void varLong(long value) {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    @Override
    public void string(String value) {
        varInt(ByteBufUtil.utf8Bytes(value));
        ByteBufUtil.writeUtf8(out, value);
    }

    @Override
    public void bytes(byte[] value) {
        varInt(value.length);
        out.writeBytes(value);
    }

    @Override
    public void raw(byte[] value) {
        out.writeBytes(value);
    }
}
