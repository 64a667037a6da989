package io.kommander.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The part both handshake sides share: every inbound frame is read through a {@link WireReader} unless the
 * connection is already closing, and always released, whatever the subclass throws.
 */
abstract class HandshakeFrameHandler extends ChannelInboundHandlerAdapter {

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            if (!ConnectionCloser.isClosing(ctx.channel())) {
                onFrame(ctx, new WireReader(frame));
            }
        } finally {
            frame.release();
        }
    }

    /** Handles one handshake frame; a {@link ProtocolException} closes the connection. */
    abstract void onFrame(ChannelHandlerContext ctx, WireReader in);
}
