package io.kommander.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.function.Consumer;

/**
 * Builds frames: {@code u32 length | u8 type | body}, where length counts the type byte and the body. The body is
 * measured first, so each frame is one buffer allocated at its final size.
 */
final class FrameWriter {

    /** Bytes before the body: the length and the type. */
    static final int HEADER_LENGTH = 5;

    private FrameWriter() {
    }

    /** Allocates and fills one frame whose body is written by {@code body} (called twice: measure, then write). */
    static ByteBuf frame(ByteBufAllocator alloc, int type, Consumer<WireSink> body) {
        SizeSink size = new SizeSink();
        body.accept(size);
        ByteBuf out = alloc.ioBuffer(HEADER_LENGTH + (int) size.size());
        writeHeader(out, type, (int) size.size());
        body.accept(new BufferSink(out));
        return out;
    }

    /** Writes the header of a frame whose body will take {@code bodyLength} bytes. */
    static void writeHeader(ByteBuf out, int type, int bodyLength) {
        out.writeInt(1 + bodyLength);
        out.writeByte(type);
    }
}
