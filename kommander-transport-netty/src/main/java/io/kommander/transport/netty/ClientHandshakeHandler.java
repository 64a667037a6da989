package io.kommander.transport.netty;

import io.kommander.transport.PeerRefusal;
import io.kommander.transport.RefusalHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The client side of the handshake on an outbound connection: sends HELLO as soon as the connection is up (TLS
 * holds it until its own handshake is done), then expects WELCOME, within the handshake timeout, from a peer whose
 * identity agrees with this node's and who calls itself what this node dialled
 * ({@link io.kommander.transport.NodeIdentity#check}). A REFUSE, or a WELCOME that does not agree, closes the
 * connection, is logged and is reported to this node. After WELCOME the server has nothing more to say, so any
 * further frame is a protocol error. Confined to the channel's event loop.
 */
final class ClientHandshakeHandler extends HandshakeFrameHandler {

    private final Handshake self;
    private final String peerEndpoint;
    private final long timeoutMillis;
    private final TransportMetrics metrics;
    private final ConnectionCloser closer;
    private final RefusalHandler refusals;
    private final Consumer<Channel> onReady;
    private ScheduledFuture<?> timeout;
    private boolean ready;

    ClientHandshakeHandler(Handshake self, String peerEndpoint, long timeoutMillis, TransportMetrics metrics,
                           ConnectionCloser closer, RefusalHandler refusals, Consumer<Channel> onReady) {
        this.self = self;
        this.peerEndpoint = peerEndpoint;
        this.timeoutMillis = timeoutMillis;
        this.metrics = metrics;
        this.closer = closer;
        this.refusals = refusals;
        this.onReady = onReady;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> closer.close(ctx.channel(), CloseReason.HANDSHAKE_TIMEOUT,
                "peer " + peerEndpoint + " did not complete the handshake within " + timeoutMillis + " ms", null),
                timeoutMillis, TimeUnit.MILLISECONDS);
        ctx.writeAndFlush(self.frame(ctx.alloc(), FrameType.HELLO));
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    void onFrame(ChannelHandlerContext ctx, WireReader in) {
        int type = in.u8();
        if (ready) {
            throw new ProtocolException(CloseReason.UNKNOWN_TYPE, "peer " + peerEndpoint
                    + " sent frame type " + type + " after the handshake");
        }
        switch (type) {
            case FrameType.WELCOME -> welcome(ctx, in);
            case FrameType.REFUSE -> {
                Refusal refusal = Refusal.read(in);
                closer.close(ctx.channel(), CloseReason.REFUSED_BY_PEER, "peer " + peerEndpoint
                        + " refused the handshake (" + refusal.code() + ", it speaks protocol version "
                        + refusal.supportedVersion() + "): " + refusal.message(), null);
                refusals.onRefused(new PeerRefusal(peerEndpoint, refusal.code().reason, refusal.message()));
            }
            default -> throw new ProtocolException(CloseReason.UNKNOWN_TYPE, "expected WELCOME or REFUSE from "
                    + peerEndpoint + ", got frame type " + type);
        }
    }

    private void welcome(ChannelHandlerContext ctx, WireReader in) {
        int version = Handshake.readVersion(in);
        if (version != self.version()) {
            String message = "peer " + peerEndpoint + " accepted with protocol version " + version
                    + "; this node speaks " + self.version();
            refusals.onRefused(new PeerRefusal(peerEndpoint, PeerRefusal.Reason.PROTOCOL, message));
            throw new ProtocolException(CloseReason.WRONG_VERSION, message);
        }
        Handshake peer = Handshake.readIdentity(in, version);
        Optional<PeerRefusal> refusal = self.identity().check(peer.identity(), peerEndpoint);
        if (refusal.isPresent()) {
            closer.close(ctx.channel(), Refusal.Code.of(refusal.get().reason()).closeReason,
                    "refused the peer's welcome: " + refusal.get().message(), null);
            refusals.onRefused(refusal.get());
            return;
        }
        timeout.cancel(false);
        ready = true;
        metrics.outboundHandshake();
        onReady.accept(ctx.channel());
    }
}
