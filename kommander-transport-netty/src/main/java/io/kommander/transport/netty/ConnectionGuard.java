package io.kommander.transport.netty;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;

import javax.net.ssl.SSLException;
import java.io.IOException;

/**
 * The last handler of every pipeline: nothing passes it. It turns every exception and every failed TLS handshake
 * into a closure with a {@link CloseReason}, and releases any message nobody consumed. Stateless and sharable.
 */
@Sharable
final class ConnectionGuard extends ChannelInboundHandlerAdapter {

    private final ConnectionCloser closer;

    ConnectionGuard(ConnectionCloser closer) {
        this.closer = closer;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof ProtocolException p) {
            closer.close(ctx.channel(), p.reason(), p.getMessage(), null);
        } else if (root instanceof SSLException) {
            closer.close(ctx.channel(), CloseReason.TLS_FAILURE, String.valueOf(root.getMessage()), null);
        } else if (root instanceof IOException) {
            closer.close(ctx.channel(), CloseReason.IO_ERROR, String.valueOf(root.getMessage()), null);
        } else {
            closer.close(ctx.channel(), CloseReason.INTERNAL_ERROR, root.toString(), root);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
            closer.close(ctx.channel(), CloseReason.TLS_FAILURE, "TLS handshake failed: " + tls.cause(), null);
        }
        ReferenceCountUtil.release(event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }
}
