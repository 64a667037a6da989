package io.kommander.transport.netty;

import io.kommander.discovery.Endpoints;
import io.kommander.transport.InboundHandler;
import io.kommander.transport.NodeIdentity;
import io.kommander.transport.PeerIdentityHandler;
import io.kommander.transport.RefusalHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.security.SecureRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Builds the handler pipelines of accepted and outbound connections. The only place that knows their order:
 *
 * <pre>
 * server: [tls] frames(FrameDecoder + memory budget + frame read timeout)
 *         handshake(ServerHandshakeHandler → InboundBatchHandler) guard
 * client: [tls] frames(FrameDecoder) flush(FlushConsolidationHandler) encoder(BatchEncoder)
 *         handshake(ClientHandshakeHandler) guard
 * </pre>
 *
 * Every connection gets a fresh nonce for its handshake, and this node's identity as it is at that moment (whether
 * it holds log entries changes while it runs). Thread-safe: every call creates new handlers, except the sharable
 * guard.
 */
final class PipelineFactory {

    /** Flushes consolidated into one, at most, while writes keep coming. */
    private static final int FLUSHES_PER_SYSCALL = 256;

    private final NettyTransportOptions options;
    private final Handshake self;
    private final Supplier<NodeIdentity> identities;
    private final PeerIdentityHandler peers;
    private final TransportMetrics metrics;
    private final ConnectionCloser closer;
    private final InboundHandler inbound;
    private final RefusalHandler refusals;
    private final SslContext serverTls;
    private final SslContext clientTls;
    private final ConnectionGuard guard;
    private final InboundConnections connections;
    private final InboundMemoryBudget budget;
    private final SecureRandom nonces = new SecureRandom();

    /**
     * @param self       this node's handshake template: version and mode (its identity is taken anew per connection)
     * @param identities this node's identity, asked at every connection
     * @param peers      told the identity of every peer accepted
     */
    PipelineFactory(NettyTransportOptions options, Handshake self, Supplier<NodeIdentity> identities,
                    PeerIdentityHandler peers, TransportMetrics metrics, ConnectionCloser closer,
                    InboundHandler inbound, RefusalHandler refusals, SslContext serverTls, SslContext clientTls,
                    InboundConnections connections, InboundMemoryBudget budget) {
        this.options = options;
        this.self = self;
        this.identities = identities;
        this.peers = peers;
        this.metrics = metrics;
        this.closer = closer;
        this.inbound = inbound;
        this.refusals = refusals;
        this.serverTls = serverTls;
        this.clientTls = clientTls;
        this.guard = new ConnectionGuard(closer);
        this.connections = connections;
        this.budget = budget;
    }

    /** Sets up a connection accepted from a peer, or closes it at once if a cap on inbound connections is reached. */
    void initServer(Channel channel) {
        metrics.inboundConnection();
        InboundConnections.Admission admission = connections.admit(channel);
        if (admission == null) {
            closer.close(channel, CloseReason.TOO_MANY_CONNECTIONS, connections.refusalDetail(), null);
            return;
        }
        ChannelPipeline pipeline = channel.pipeline();
        if (serverTls != null) {
            SslHandler tls = serverTls.newHandler(channel.alloc());
            tls.setHandshakeTimeoutMillis(options.handshakeTimeout().toMillis());
            pipeline.addLast("tls", tls);
        }
        pipeline.addLast("frames", new FrameDecoder(FrameDecoder.HANDSHAKE_MAX_FRAME_LENGTH, budget,
                options.limits().frameReadTimeout().toNanos()));
        pipeline.addLast("handshake", new ServerHandshakeHandler(current(), options, metrics,
                closer, inbound, refusals, peers, admission));
        pipeline.addLast("guard", guard);
    }

    /** Sets up a connection to {@code endpoint}; {@code onReady} runs once the peer accepted the handshake. */
    void initClient(Channel channel, String endpoint, Consumer<Channel> onReady) {
        ChannelPipeline pipeline = channel.pipeline();
        if (clientTls != null) {
            SslHandler tls = clientTls.newHandler(channel.alloc(), Endpoints.host(endpoint),
                    Endpoints.parsePort(endpoint));
            if (options.tls().hostnameVerification()) {
                SSLEngine engine = tls.engine();
                SSLParameters parameters = engine.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                engine.setSSLParameters(parameters);
            }
            tls.setHandshakeTimeoutMillis(options.handshakeTimeout().toMillis());
            pipeline.addLast("tls", tls);
        }
        pipeline.addLast("frames", new FrameDecoder(FrameDecoder.HANDSHAKE_MAX_FRAME_LENGTH));
        pipeline.addLast("flush", new FlushConsolidationHandler(FLUSHES_PER_SYSCALL, true));
        pipeline.addLast("encoder", new BatchEncoder(metrics));
        pipeline.addLast("handshake", new ClientHandshakeHandler(current(), options.secrets(),
                endpoint, options.handshakeTimeout().toMillis(), metrics, closer, refusals, peers, onReady));
        pipeline.addLast("guard", guard);
    }

    /** This node's handshake for a new connection: its identity now, a fresh nonce. */
    private Handshake current() {
        return Handshake.template(self.version(), self.mode(), identities.get()).withFreshNonce(nonces);
    }
}
