package io.kommander.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Splits the byte stream into frames ({@code u32 length | type | body}) and emits each as a retained slice holding
 * the type byte and the body; the handler that receives a frame releases it. A length of zero or above the current
 * maximum fails the connection: the decoder discards everything after it, so one bad frame produces one error.
 *
 * <p>The maximum starts at the handshake limit and is raised by the server once the peer has identified itself,
 * so an unauthenticated peer can never make the node buffer a large frame. Confined to the channel's event loop.
 */
final class FrameDecoder extends ByteToMessageDecoder {

    /** The largest handshake frame (HELLO, WELCOME, REFUSE) accepted. */
    static final int HANDSHAKE_MAX_FRAME_LENGTH = 4096;

    private int maxFrameLength;
    private boolean failed;

    FrameDecoder(int maxFrameLength) {
        this.maxFrameLength = maxFrameLength;
    }

    /** Changes the largest frame accepted from now on. */
    void maxFrameLength(int maxFrameLength) {
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!failed && in.readableBytes() >= 4) {
            long length = in.getUnsignedInt(in.readerIndex());
            if (length == 0) {
                fail(in, CloseReason.MALFORMED, "frame of length 0 (a frame holds at least its type byte)");
            }
            if (length > maxFrameLength) {
                fail(in, CloseReason.FRAME_TOO_LARGE, "frame of " + length + " bytes exceeds the limit of "
                        + maxFrameLength);
            }
            if (in.readableBytes() - 4 < length) {
                return;
            }
            in.skipBytes(4);
            out.add(in.readRetainedSlice((int) length));
        }
        if (failed) {
            in.skipBytes(in.readableBytes());
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (!failed && in.isReadable()) {
            fail(in, CloseReason.MALFORMED, "connection ended inside a frame (" + in.readableBytes()
                    + " bytes of an incomplete frame)");
        }
    }

    private void fail(ByteBuf in, CloseReason reason, String message) {
        failed = true;
        in.skipBytes(in.readableBytes());
        throw new ProtocolException(reason, message);
    }
}
