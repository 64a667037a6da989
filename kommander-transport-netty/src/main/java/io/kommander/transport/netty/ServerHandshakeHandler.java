package io.kommander.transport.netty;

import io.kommander.transport.InboundHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The server side of the handshake on an accepted connection: waits (bounded by the handshake timeout) for one
 * HELLO frame, refuses a peer of another protocol version or cluster with a REFUSE frame, or answers WELCOME and
 * hands the connection to an {@link InboundBatchHandler}. Confined to the channel's event loop.
 */
final class ServerHandshakeHandler extends HandshakeFrameHandler {

    private final Handshake self;
    private final NettyTransportOptions options;
    private final TransportMetrics metrics;
    private final ConnectionCloser closer;
    private final InboundHandler inbound;
    private ScheduledFuture<?> timeout;

    ServerHandshakeHandler(Handshake self, NettyTransportOptions options, TransportMetrics metrics,
                           ConnectionCloser closer, InboundHandler inbound) {
        this.self = self;
        this.options = options;
        this.metrics = metrics;
        this.closer = closer;
        this.inbound = inbound;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long millis = options.handshakeTimeout().toMillis();
        timeout = ctx.executor().schedule(() -> closer.close(ctx.channel(), CloseReason.HANDSHAKE_TIMEOUT,
                "no handshake within " + millis + " ms", null), millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        timeout.cancel(false);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timeout.cancel(false);
        ctx.fireChannelInactive();
    }

    @Override
    void onFrame(ChannelHandlerContext ctx, WireReader in) {
        int type = in.u8();
        if (type != FrameType.HELLO) {
            throw new ProtocolException(CloseReason.MALFORMED, "expected a HELLO frame, got frame type " + type);
        }
        int version = Handshake.readVersion(in);
        if (version != self.version()) {
            refuse(ctx, CloseReason.WRONG_VERSION, "protocol version " + version + " is not supported; node "
                    + self.endpoint() + " speaks version " + self.version());
            return;
        }
        Handshake peer = Handshake.readIdentity(in, version);
        if (!peer.clusterId().equals(self.clusterId())) {
            refuse(ctx, CloseReason.WRONG_CLUSTER, "node " + peer.nodeId() + " (" + peer.endpoint()
                    + ") belongs to cluster '" + peer.clusterId() + "', node " + self.endpoint()
                    + " to cluster '" + self.clusterId() + "'");
            return;
        }
        timeout.cancel(false);
        metrics.inboundHandshake();
        ctx.pipeline().get(FrameDecoder.class).maxFrameLength(options.maxFrameLength());
        ctx.pipeline().replace(this, "batches", new InboundBatchHandler(peer.endpoint(),
                new FrameRateLimiter(options.maxInboundFramesPerSecond(), System::nanoTime), metrics, inbound));
        ctx.writeAndFlush(self.frame(ctx.alloc(), FrameType.WELCOME));
    }

    private void refuse(ChannelHandlerContext ctx, CloseReason reason, String message) {
        timeout.cancel(false);
        closer.refuse(ctx.channel(), reason, "refused the handshake: " + message,
                new Refusal(reason, self.version(), message).frame(ctx.alloc()));
    }
}
