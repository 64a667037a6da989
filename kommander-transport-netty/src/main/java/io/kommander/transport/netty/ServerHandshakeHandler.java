package io.kommander.transport.netty;

import io.kommander.transport.InboundHandler;
import io.kommander.transport.PeerIdentityHandler;
import io.kommander.transport.PeerRefusal;
import io.kommander.transport.RefusalHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The server side of the handshake on an accepted connection, bounded by the handshake timeout. It waits for one
 * HELLO and refuses (with a REFUSE frame) a peer of another protocol version or authentication mode, one whose
 * certificate does not name the node it claims (mutual TLS, {@link CertificateBinding}), or whose identity
 * disagrees with this node's ({@link io.kommander.transport.NodeIdentity#check}); such an identity refusal is
 * reported to this node too. Otherwise it answers WELCOME. In the shared-secret mode the WELCOME carries this
 * node's proof, and the connection stays unauthenticated until an AUTH frame with a valid client proof arrives
 * (any other frame before it closes the connection); the identity is checked, and a disagreement reported, only
 * after that proof, so that a stranger cannot make {@code joinCluster()} fail. Only an accepted connection is
 * handed to an {@link InboundBatchHandler}: no Raft message is read from a peer that has not proved who it is.
 * Confined to the channel's event loop.
 */
final class ServerHandshakeHandler extends HandshakeFrameHandler {

    private final Handshake self;
    private final NettyTransportOptions options;
    private final TransportMetrics metrics;
    private final ConnectionCloser closer;
    private final InboundHandler inbound;
    private final RefusalHandler refusals;
    private final PeerIdentityHandler peers;
    private final InboundConnections.Admission admission;
    private ScheduledFuture<?> timeout;
    /** The peer's HELLO, once WELCOME went out in the shared-secret mode and its AUTH is awaited. */
    private Handshake awaitingProofFrom;

    ServerHandshakeHandler(Handshake self, NettyTransportOptions options, TransportMetrics metrics,
                           ConnectionCloser closer, InboundHandler inbound, RefusalHandler refusals,
                           PeerIdentityHandler peers, InboundConnections.Admission admission) {
        this.self = self;
        this.options = options;
        this.metrics = metrics;
        this.closer = closer;
        this.inbound = inbound;
        this.refusals = refusals;
        this.peers = peers;
        this.admission = admission;
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
        if (awaitingProofFrom != null) {
            proof(ctx, type, in);
        } else if (type == FrameType.HELLO) {
            hello(ctx, in);
        } else {
            throw new ProtocolException(CloseReason.MALFORMED, "expected a HELLO frame, got frame type " + type);
        }
    }

    private void hello(ChannelHandlerContext ctx, WireReader in) {
        int version = Handshake.readVersion(in);
        if (version != self.version()) {
            // Not reported to the node: the peer's identity is unreadable; the peer reports the refusal it gets.
            refuse(ctx, Refusal.Code.WRONG_VERSION, "protocol version " + version + " is not supported; node "
                    + self.endpoint() + " speaks version " + self.version());
            return;
        }
        Handshake peer = Handshake.read(in, version);
        in.expectEnd("handshake");
        if (peer.mode() != self.mode()) {
            refuse(ctx, Refusal.Code.AUTHENTICATION, "node " + self.endpoint() + " requires " + self.mode().description
                    + " of its peers; " + peer.endpoint() + " connects with " + peer.mode().description);
            return;
        }
        if (self.mode() == PeerAuthMode.MUTUAL_TLS) {
            Optional<String> mismatch = CertificateBinding.mismatch(ctx.channel(), peer.identity());
            if (mismatch.isPresent()) {
                refuse(ctx, Refusal.Code.AUTHENTICATION, mismatch.get());
                return;
            }
        }
        if (self.mode() == PeerAuthMode.SHARED_SECRET) {
            // The identity is checked once the peer has proved it holds the secret: only then is a disagreement
            // worth reporting to the node, which a stranger must not be able to make fail joinCluster().
            awaitingProofFrom = peer;
            ctx.writeAndFlush(self.welcome(ctx.alloc(), HandshakeProof.server(options.secrets(), peer, self)));
        } else if (identityAgrees(ctx, peer)) {
            accept(ctx, peer);
            ctx.writeAndFlush(self.welcome(ctx.alloc(), new byte[0]));
        }
    }

    /** Checks the (proven, or unprovable in plaintext) identity; on a disagreement refuses and reports. */
    private boolean identityAgrees(ChannelHandlerContext ctx, Handshake peer) {
        Optional<PeerRefusal> refusal = self.identity().check(peer.identity(), null);
        if (refusal.isPresent()) {
            refuse(ctx, Refusal.Code.of(refusal.get().reason()), refusal.get().message());
            refusals.onRefused(refusal.get());
            return false;
        }
        return true;
    }

    private void proof(ChannelHandlerContext ctx, int type, WireReader in) {
        Handshake peer = awaitingProofFrom;
        if (type != FrameType.AUTH) {
            throw new ProtocolException(CloseReason.AUTHENTICATION_FAILED, peer.endpoint() + " sent frame type "
                    + type + " before proving it knows the shared secret");
        }
        byte[] proof = in.bytes("proof");
        in.expectEnd("proof");
        if (!HandshakeProof.verifyClient(options.secrets(), proof, peer, self)) {
            refuse(ctx, Refusal.Code.AUTHENTICATION, "the proof of the node calling itself " + peer.endpoint()
                    + " matches none of the " + options.secrets().size() + " shared secret(s) " + self.endpoint()
                    + " accepts: the nodes hold different secrets");
            return;
        }
        if (identityAgrees(ctx, peer)) {
            accept(ctx, peer);
        }
    }

    /** The peer has proved who it is (or nothing is proved in this mode): its batches may flow. */
    private void accept(ChannelHandlerContext ctx, Handshake peer) {
        timeout.cancel(false);
        metrics.inboundHandshake();
        peers.onPeerIdentified(peer.identity());
        Channel previous = admission.authenticatedAs(peer.endpoint());
        if (previous != null) {
            closer.close(previous, CloseReason.REPLACED, peer.endpoint() + " authenticated a newer connection",
                    null);
        }
        ctx.pipeline().get(FrameDecoder.class).maxFrameLength(options.maxFrameLength());
        ctx.pipeline().replace(this, "batches", new InboundBatchHandler(peer.endpoint(),
                new FrameRateLimiter(options.maxInboundFramesPerSecond(), System::nanoTime), metrics, inbound));
    }

    private void refuse(ChannelHandlerContext ctx, Refusal.Code code, String message) {
        timeout.cancel(false);
        closer.refuse(ctx.channel(), code.closeReason, "refused the handshake: " + message,
                new Refusal(code, self.version(), message).frame(ctx.alloc()));
    }
}
