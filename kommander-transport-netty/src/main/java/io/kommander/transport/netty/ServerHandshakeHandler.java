package io.kommander.transport.netty;

import io.kommander.transport.InboundHandler;
import io.kommander.transport.PeerRefusal;
import io.kommander.transport.RefusalHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The server side of the handshake on an accepted connection: waits (bounded by the handshake timeout) for one
 * HELLO frame, refuses a peer of another protocol version, or whose identity disagrees with this node's
 * ({@link io.kommander.transport.NodeIdentity#check}), with a REFUSE frame, or answers WELCOME and hands the
 * connection to an {@link InboundBatchHandler}. An identity refusal is also reported to this node. Confined to
 * the channel's event loop.
 */
final class ServerHandshakeHandler extends HandshakeFrameHandler {

    private final Handshake self;
    private final NettyTransportOptions options;
    private final TransportMetrics metrics;
    private final ConnectionCloser closer;
    private final InboundHandler inbound;
    private final RefusalHandler refusals;
    private ScheduledFuture<?> timeout;

    ServerHandshakeHandler(Handshake self, NettyTransportOptions options, TransportMetrics metrics,
                           ConnectionCloser closer, InboundHandler inbound, RefusalHandler refusals) {
        this.self = self;
        this.options = options;
        this.metrics = metrics;
        this.closer = closer;
        this.inbound = inbound;
        this.refusals = refusals;
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
            // Not reported to the node: the peer's identity is unreadable; the peer reports the refusal it gets.
            refuse(ctx, Refusal.Code.WRONG_VERSION, "protocol version " + version + " is not supported; node "
                    + self.endpoint() + " speaks version " + self.version());
            return;
        }
        Handshake peer = Handshake.readIdentity(in, version);
        Optional<PeerRefusal> refusal = self.identity().check(peer.identity(), null);
        if (refusal.isPresent()) {
            refuse(ctx, Refusal.Code.of(refusal.get().reason()), refusal.get().message());
            refusals.onRefused(refusal.get());
            return;
        }
        timeout.cancel(false);
        metrics.inboundHandshake();
        ctx.pipeline().get(FrameDecoder.class).maxFrameLength(options.maxFrameLength());
        ctx.pipeline().replace(this, "batches", new InboundBatchHandler(peer.endpoint(),
                new FrameRateLimiter(options.maxInboundFramesPerSecond(), System::nanoTime), metrics, inbound));
        ctx.writeAndFlush(self.frame(ctx.alloc(), FrameType.WELCOME));
    }

    private void refuse(ChannelHandlerContext ctx, Refusal.Code code, String message) {
        timeout.cancel(false);
        closer.refuse(ctx.channel(), code.closeReason, "refused the handshake: " + message,
                new Refusal(code, self.version(), message).frame(ctx.alloc()));
    }
}
