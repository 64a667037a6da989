package io.kommander.transport.netty;

import io.kommander.transport.InboundHandler;
import io.kommander.transport.MessageBatch;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives the BATCH frames of an accepted, handshaken connection: checks the peer's frame rate, decodes each
 * frame into a {@link MessageBatch} whose {@code from} is the endpoint the peer gave in its handshake, and hands it
 * to the node. Every frame is released here, whatever happens. Confined to the channel's event loop.
 */
final class InboundBatchHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(NettyTransport.class);

    private final String peerEndpoint;
    private final FrameRateLimiter rate;
    private final TransportMetrics metrics;
    private final InboundHandler inbound;

    InboundBatchHandler(String peerEndpoint, FrameRateLimiter rate, TransportMetrics metrics,
                        InboundHandler inbound) {
        this.peerEndpoint = peerEndpoint;
        this.rate = rate;
        this.metrics = metrics;
        this.inbound = inbound;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        MessageBatch batch;
        int frameLength = 4 + frame.readableBytes();
        try {
            if (ConnectionCloser.isClosing(ctx.channel())) {
                return;
            }
            if (!rate.tryAcquire()) {
                throw new ProtocolException(CloseReason.FLOOD, "peer " + peerEndpoint
                        + " exceeded the inbound frame rate limit");
            }
            int type = frame.readUnsignedByte();
            if (type != FrameType.BATCH) {
                throw new ProtocolException(CloseReason.UNKNOWN_TYPE, "unexpected frame type " + type
                        + " after the handshake");
            }
            batch = MessageCodec.decode(frame, peerEndpoint);
        } finally {
            frame.release();
        }
        metrics.frameReceived(frameLength, batch.messages().size());
        try {
            inbound.onBatch(batch);
        } catch (RuntimeException e) {
            metrics.handlerError();
            log.error("inbound handler failed on a batch from {}", peerEndpoint, e);
        }
    }
}
