package io.kommander.transport.netty;

import io.kommander.transport.PeerIdentityHandler;
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
 * holds it until its own handshake is done), then expects WELCOME, within the handshake timeout, from a peer that
 * proves who it is (the server's proof in the shared-secret mode, a certificate naming it under mutual TLS), uses
 * this node's authentication mode, agrees with this node's identity and calls itself what this node dialled
 * ({@link io.kommander.transport.NodeIdentity#check}). In the shared-secret mode it sends AUTH with its own proof
 * once the server's proof holds (before the identity check, so that the server can report a disagreement too),
 * and may send batches right behind it. A REFUSE (the server may still refuse the proof after AUTH), or a
 * WELCOME that does not hold, closes the connection, is logged and is reported to this node; any other frame is
 * a protocol error. Confined to the channel's event loop.
 */
final class ClientHandshakeHandler extends HandshakeFrameHandler {

    private final Handshake self;
    private final SharedSecrets secrets;
    private final String peerEndpoint;
    private final long timeoutMillis;
    private final TransportMetrics metrics;
    private final ConnectionCloser closer;
    private final RefusalHandler refusals;
    private final PeerIdentityHandler peers;
    private final Consumer<Channel> onReady;
    private ScheduledFuture<?> timeout;
    private boolean ready;

    ClientHandshakeHandler(Handshake self, SharedSecrets secrets, String peerEndpoint, long timeoutMillis,
                           TransportMetrics metrics, ConnectionCloser closer, RefusalHandler refusals,
                           PeerIdentityHandler peers, Consumer<Channel> onReady) {
        this.self = self;
        this.secrets = secrets;
        this.peerEndpoint = peerEndpoint;
        this.timeoutMillis = timeoutMillis;
        this.metrics = metrics;
        this.closer = closer;
        this.refusals = refusals;
        this.peers = peers;
        this.onReady = onReady;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> closer.close(ctx.channel(), CloseReason.HANDSHAKE_TIMEOUT,
                "peer " + peerEndpoint + " did not complete the handshake within " + timeoutMillis + " ms", null),
                timeoutMillis, TimeUnit.MILLISECONDS);
        ctx.writeAndFlush(self.hello(ctx.alloc()));
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
        if (type == FrameType.REFUSE) {
            refused(ctx, Refusal.read(in));
        } else if (ready) {
            throw new ProtocolException(CloseReason.UNKNOWN_TYPE, "peer " + peerEndpoint
                    + " sent frame type " + type + " after the handshake");
        } else if (type == FrameType.WELCOME) {
            welcome(ctx, in);
        } else {
            throw new ProtocolException(CloseReason.UNKNOWN_TYPE, "expected WELCOME or REFUSE from "
                    + peerEndpoint + ", got frame type " + type);
        }
    }

    private void refused(ChannelHandlerContext ctx, Refusal refusal) {
        closer.close(ctx.channel(), CloseReason.REFUSED_BY_PEER, "peer " + peerEndpoint
                + " refused the handshake (" + refusal.code() + ", it speaks protocol version "
                + refusal.supportedVersion() + "): " + refusal.message(), null);
        refusals.onRefused(new PeerRefusal(peerEndpoint, refusal.code().reason, refusal.message()));
    }

    private void welcome(ChannelHandlerContext ctx, WireReader in) {
        int version = Handshake.readVersion(in);
        if (version != self.version()) {
            String message = "peer " + peerEndpoint + " accepted with protocol version " + version
                    + "; this node speaks " + self.version();
            refusals.onRefused(new PeerRefusal(peerEndpoint, PeerRefusal.Reason.PROTOCOL, message));
            throw new ProtocolException(CloseReason.WRONG_VERSION, message);
        }
        Handshake peer = Handshake.read(in, version);
        byte[] proof = in.bytes("proof");
        in.expectEnd("handshake");
        Optional<String> unproven = authenticate(ctx.channel(), peer, proof);
        if (unproven.isPresent()) {
            refuse(ctx, new PeerRefusal(peerEndpoint, PeerRefusal.Reason.AUTHENTICATION, unproven.get()));
            return;
        }
        if (self.mode() == PeerAuthMode.SHARED_SECRET) {
            // Sent even if the identities disagree: with the proof, the server may report the disagreement too.
            byte[] mine = HandshakeProof.client(secrets, self, peer);
            ctx.writeAndFlush(FrameWriter.frame(ctx.alloc(), FrameType.AUTH, out -> out.bytes(mine)));
        }
        Optional<PeerRefusal> disagreement = self.identity().check(peer.identity(), peerEndpoint);
        if (disagreement.isPresent()) {
            refuse(ctx, disagreement.get());
            return;
        }
        timeout.cancel(false);
        ready = true;
        metrics.outboundHandshake();
        peers.onPeerIdentified(peer.identity());
        onReady.accept(ctx.channel());
    }

    private void refuse(ChannelHandlerContext ctx, PeerRefusal refusal) {
        closer.close(ctx.channel(), Refusal.Code.of(refusal.reason()).closeReason,
                "refused the peer's welcome: " + refusal.message(), null);
        refusals.onRefused(refusal);
    }

    /** Why the server has not proved who it is, or empty if it has (or nothing is proved in this mode). */
    private Optional<String> authenticate(Channel channel, Handshake peer, byte[] proof) {
        if (peer.mode() != self.mode()) {
            return Optional.of(peerEndpoint + " uses " + peer.mode().description + ", " + self.endpoint() + " uses "
                    + self.mode().description + ": every node of a cluster must use the same");
        }
        return switch (self.mode()) {
            case SHARED_SECRET -> HandshakeProof.verifyServer(secrets, proof, self, peer) ? Optional.empty()
                    : Optional.of("the proof of " + peerEndpoint + " matches none of the " + secrets.size()
                    + " shared secret(s) " + self.endpoint() + " accepts: the nodes hold different secrets");
            case MUTUAL_TLS -> CertificateBinding.mismatch(channel, peer.identity());
            case INSECURE_PLAINTEXT -> Optional.empty();
        };
    }
}
