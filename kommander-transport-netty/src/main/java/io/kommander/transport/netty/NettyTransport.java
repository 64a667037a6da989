package io.kommander.transport.netty;

import io.kommander.discovery.Endpoints;
import io.kommander.transport.IRaftTransport;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.TransportBinding;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;

/**
 * An {@link IRaftTransport} over TCP on Netty, whose peers prove who they are. Each node listens on its endpoint and
 * opens one connection to each peer it sends to, on the first send; batches travel as frames of the protocol in
 * {@code docs/wire-protocol.md}, and arrive with {@link MessageBatch#from()} set to the endpoint the sender proved
 * in its handshake. No Raft message is read from a connection before its peer has authenticated.
 *
 * <p>Built with {@link #builder()}, which requires choosing how peers authenticate (see {@code docs/security.md}):
 *
 * <pre>{@code
 * NettyTransport transport = NettyTransport.builder()
 *         .sharedSecret(SharedSecrets.fromBase64(System.getenv("KOMMANDER_SECRET")))   // or .tls(...)
 *         .build();
 * transport.start(new TransportBinding(identity, inboundHandler, refusalHandler));   // RaftManager does this
 * }</pre>
 *
 * <p>Thread-safe. {@link #send} never blocks: a batch that cannot be sent now (peer not connected yet and its
 * queue full, connection write buffer above the high watermark, batch larger than a frame, which a node never
 * builds) is dropped and counted in {@link #metrics()}; Raft retries. {@link #close()} releases every thread and
 * connection.
 */
public final class NettyTransport implements IRaftTransport {

    private static final Logger log = LoggerFactory.getLogger(NettyTransport.class);

    private enum State { NEW, STARTED, CLOSED }

    private final NettyTransportOptions options;
    private final TransportMetrics metrics = new TransportMetrics();
    private final ConcurrentMap<String, PeerConnection> peers = new ConcurrentHashMap<>();
    private final SplittableRandom jitterSeeds = new SplittableRandom();
    private volatile State state = State.NEW;
    private IoResources io;
    private NettyServer server;
    private Bootstrap bootstrap;
    private PipelineFactory pipelines;
    private InboundConnections inbound;
    private InboundMemoryBudget inboundMemory;
    private String localEndpoint;

    private NettyTransport(NettyTransportOptions options) {
        this.options = options;
    }

    /** A builder with the defaults of {@link Builder}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads the TLS material (if any), starts the event loops and listens on the binding's endpoint (or on the
     * configured bind host at the endpoint's port).
     *
     * @throws IllegalStateException          if the transport was already started or closed
     * @throws IllegalArgumentException       if the endpoint is not {@code host:port} or the TLS files are unusable
     * @throws java.io.UncheckedIOException   if the endpoint cannot be bound
     */
    @Override
    public synchronized void start(TransportBinding binding) {
        if (state != State.NEW) {
            throw new IllegalStateException("transport already " + state.name().toLowerCase());
        }
        int port = Endpoints.parsePort(binding.localEndpoint());
        metrics.reportTo(binding.metrics());
        SslContext serverTls = options.tls() == null ? null : options.tls().serverContext();
        SslContext clientTls = options.tls() == null ? null : options.tls().clientContext();
        Handshake self = Handshake.template(options.protocolVersion(), options.authMode(), binding.identity());
        ConnectionCloser closer = new ConnectionCloser(metrics, binding.localEndpoint());
        inboundMemory = new InboundMemoryBudget(options.limits().maxInboundBufferedBytes());
        inbound = new InboundConnections(options.limits().maxInboundConnections(),
                options.limits().maxHandshakingConnections());
        pipelines = new PipelineFactory(options, self, binding.identities(), binding.peers(), metrics, closer,
                binding.handler(), binding.refusals(), serverTls, clientTls, inbound, inboundMemory);
        io = IoResources.create(options.ioThreads(), options.threadNamePrefix(), options.preferNative());
        String host = options.bindHost() != null ? options.bindHost() : Endpoints.host(binding.localEndpoint());
        try {
            server = NettyServer.bind(io, pipelines, options, host, port);
        } catch (RuntimeException e) {
            io.close();
            state = State.CLOSED;
            throw e;
        }
        bootstrap = new Bootstrap()
                .group(io.group())
                .channel(io.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, ByteBufAllocator.DEFAULT)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                .option(ChannelOption.MESSAGE_SIZE_ESTIMATOR, OutboundSizeEstimator.INSTANCE)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                        options.writeBufferLowWaterMark(), options.writeBufferHighWaterMark()));
        localEndpoint = binding.localEndpoint();
        state = State.STARTED;
        log.info("[{}] listening on {}:{} ({}, peers authenticate with {}, {})", localEndpoint, host, server.port(),
                io.nativeTransport() ? "epoll" : "nio", options.authMode().description, binding.identity());
        if (options.authMode() == PeerAuthMode.INSECURE_PLAINTEXT) {
            log.warn("[{}] INSECURE: peers are not authenticated (insecurePlaintext()): anyone who can reach {}:{}"
                    + " can send Raft messages to this node and corrupt its partitions. Use sharedSecret(...) or"
                    + " tls(...) outside tests and isolated networks (docs/security.md)", localEndpoint, host,
                    server.port());
        }
    }

    /**
     * Sends {@code batch} to the node at {@code endpoint} without blocking; connects on the first send to it.
     * The batch is dropped and counted if it cannot be sent now (see the class comment).
     *
     * @throws IllegalArgumentException if {@code endpoint} is not {@code host:port}
     */
    @Override
    public void send(String endpoint, MessageBatch batch) {
        if (state != State.STARTED) {
            metrics.dropped(DropReason.CLOSED, 1);
            return;
        }
        long bodyLength = MessageCodec.encodedSize(batch);
        if (1 + bodyLength > options.maxFrameLength()) {
            metrics.dropped(DropReason.OVERSIZED, 1);
            log.warn("[{}] dropped a batch of {} messages to {}: {} bytes exceed the frame limit of {}",
                    localEndpoint, batch.messages().size(), endpoint, 1 + bodyLength, options.maxFrameLength());
            return;
        }
        PeerConnection peer = peers.computeIfAbsent(endpoint, this::newPeer);
        peer.send(new OutboundBatch(batch, (int) bodyLength));
        if (state == State.CLOSED) {
            peer.close();
        }
    }

    /**
     * Closes every connection, stops listening and ends every thread the transport started; returns once they are
     * gone. Batches not yet written are dropped. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            boolean started = state == State.STARTED;
            state = State.CLOSED;
            if (!started) {
                return;
            }
        }
        List<ChannelFuture> closing = new ArrayList<>();
        for (PeerConnection peer : peers.values()) {
            ChannelFuture future = peer.close();
            if (future != null) {
                closing.add(future);
            }
        }
        closing.forEach(ChannelFuture::awaitUninterruptibly);
        server.close();
        io.close();
        log.info("[{}] transport closed", localEndpoint);
    }

    /**
     * The maximum frame length less the frame's type byte and the batch's message count (a varint of at most 5
     * bytes): the messages' {@link io.kommander.transport.RaftMessage#sizeEstimate() estimates} bound their
     * encoding from above, so a batch within this budget always fits in one frame.
     */
    @Override
    public long maxBatchBytes() {
        return options.maxFrameLength() - 1 - 5;
    }

    /** This transport's counters. */
    public TransportMetrics metrics() {
        return metrics;
    }

    /**
     * The port the transport listens on.
     *
     * @throws IllegalStateException if it is not started
     */
    public int port() {
        if (state != State.STARTED) {
            throw new IllegalStateException("transport not started");
        }
        return server.port();
    }

    /** The accepted connections, once started (tests look at their counts). */
    InboundConnections inboundConnections() {
        return inbound;
    }

    /** What incomplete inbound frames pin, once started (tests look at it). */
    InboundMemoryBudget inboundMemory() {
        return inboundMemory;
    }

    /** Whether the native epoll transport is in use (false: NIO); meaningful once started. */
    public boolean usesNativeTransport() {
        return io != null && io.nativeTransport();
    }

    private PeerConnection newPeer(String endpoint) {
        Endpoints.parsePort(endpoint);
        EventLoop loop = io.group().next();
        Backoff backoff = new Backoff(options.reconnectMin().toMillis(), options.reconnectMax().toMillis(),
                jitterSeeds.split());
        return new PeerConnection(endpoint, loop, (to, onReady) -> connect(loop, to, onReady), backoff,
                options.maxPendingBytesPerPeer(), metrics);
    }

    private ChannelFuture connect(EventLoop loop, String endpoint, Consumer<Channel> onReady) {
        return bootstrap.clone(loop)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        pipelines.initClient(ch, endpoint, onReady);
                    }
                })
                .connect(Endpoints.host(endpoint), Endpoints.parsePort(endpoint));
    }

    /**
     * Settings of a {@link NettyTransport}. Every setting has a default fit for a small cluster on a LAN (see
     * {@code docs/transport-netty.md}), except how peers authenticate, which must be chosen. Not thread-safe; build
     * once.
     */
    public static final class Builder {

        private int ioThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
        private boolean preferNative = true;
        private String threadNamePrefix = "kommander-netty";
        private String bindHost;
        private int maxFrameLength = 16 * 1024 * 1024;
        private Duration connectTimeout = Duration.ofSeconds(3);
        private Duration handshakeTimeout = Duration.ofSeconds(5);
        private Duration reconnectMin = Duration.ofMillis(50);
        private Duration reconnectMax = Duration.ofSeconds(5);
        private int lowWaterMark = 1024 * 1024;
        private int highWaterMark = 4 * 1024 * 1024;
        private long maxPendingBytesPerPeer = 4L * 1024 * 1024;
        private long maxInboundFramesPerSecond = 100_000;
        private TlsConfig tls;
        private SharedSecrets secrets;
        private boolean insecurePlaintext;
        private Duration frameReadTimeout = InboundLimits.DEFAULTS.frameReadTimeout();
        private int maxInboundConnections = InboundLimits.DEFAULTS.maxInboundConnections();
        private int maxHandshakingConnections = InboundLimits.DEFAULTS.maxHandshakingConnections();
        private long maxInboundBufferedBytes = InboundLimits.DEFAULTS.maxInboundBufferedBytes();
        private int protocolVersion = Handshake.CURRENT_VERSION;

        private Builder() {
        }

        /** Event loop threads for all connections (default: 2, or 1 on a single core). */
        public Builder ioThreads(int threads) {
            this.ioThreads = threads;
            return this;
        }

        /** Whether to use native epoll when available (default true); NIO is used otherwise. */
        public Builder preferNativeTransport(boolean preferNative) {
            this.preferNative = preferNative;
            return this;
        }

        /** Prefix of the names of the threads the transport starts (default {@code kommander-netty}). */
        public Builder threadNamePrefix(String prefix) {
            this.threadNamePrefix = prefix;
            return this;
        }

        /**
         * The address to listen on, e.g. {@code 0.0.0.0}; by default the host of the local endpoint. The port is
         * always the endpoint's.
         */
        public Builder bindHost(String host) {
            this.bindHost = host;
            return this;
        }

        /**
         * The largest frame sent or accepted, in bytes (default 16 MiB). A batch that would exceed it is dropped
         * (a node never builds one: {@link NettyTransport#maxBatchBytes()} derives from it); a peer that
         * announces a larger frame is disconnected. It bounds the node's largest entry: {@code maxEntryBytes}
         * must be at most {@code maxFrameLength - 128}. Must be the same on every node.
         */
        public Builder maxFrameLength(int bytes) {
            this.maxFrameLength = bytes;
            return this;
        }

        /** The TCP connect timeout (default 3 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** How long a connection may take to complete TLS and the protocol handshake (default 5 s). */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = timeout;
            return this;
        }

        /** Reconnect back-off: after the first failure about {@code min}, doubling up to {@code max} (default 50 ms, 5 s). */
        public Builder reconnectBackoff(Duration min, Duration max) {
            this.reconnectMin = min;
            this.reconnectMax = max;
            return this;
        }

        /**
         * Write-buffer watermarks per connection (default 1 MiB and 4 MiB): above {@code high} queued bytes, batches
         * to that peer are dropped until the queue falls below {@code low}.
         */
        public Builder writeBufferWaterMarks(int low, int high) {
            this.lowWaterMark = low;
            this.highWaterMark = high;
            return this;
        }

        /** Bytes of batches held per peer while its connection is being established (default 4 MiB). */
        public Builder maxPendingBytesPerPeer(long bytes) {
            this.maxPendingBytesPerPeer = bytes;
            return this;
        }

        /**
         * Frames a peer may send per second, and in a burst, before it is disconnected as a flood (default 100,000).
         */
        public Builder maxInboundFramesPerSecond(long frames) {
            this.maxInboundFramesPerSecond = frames;
            return this;
        }

        /**
         * Peers authenticate with a secret every node of the cluster holds: an HMAC-SHA256 challenge-response over
         * both sides' nonces and identities, in both directions. Traffic is not encrypted. One of
         * {@code sharedSecret}, {@link #tls} and {@link #insecurePlaintext} must be chosen.
         */
        public Builder sharedSecret(SharedSecrets secrets) {
            if (secrets == null) {
                throw new IllegalArgumentException("secrets must not be null");
            }
            this.secrets = secrets;
            return this;
        }

        /**
         * Mutual TLS between nodes: both sides present a certificate of the cluster's CA that names the node it
         * belongs to (a subject alternative name URI {@code kommander://<endpoint>/node/<nodeId>}). One of
         * {@link #sharedSecret}, {@code tls} and {@link #insecurePlaintext} must be chosen.
         */
        public Builder tls(TlsConfig tls) {
            if (tls == null) {
                throw new IllegalArgumentException("tls must not be null");
            }
            this.tls = tls;
            return this;
        }

        /**
         * Peers are not authenticated at all: anyone who reaches the port can send Raft messages and corrupt the
         * node's partitions. For tests, benchmarks and networks where every host is trusted; the transport logs a
         * WARN when it starts.
         */
        public Builder insecurePlaintext() {
            this.insecurePlaintext = true;
            return this;
        }

        /**
         * How long a frame may take to arrive whole once its first bytes arrived (default 30 s); a peer that stalls
         * inside a frame longer is disconnected.
         */
        public Builder frameReadTimeout(Duration timeout) {
            this.frameReadTimeout = timeout;
            return this;
        }

        /**
         * Accepted connections open at once, handshaking or authenticated (default 256); more are closed at once.
         */
        public Builder maxInboundConnections(int connections) {
            this.maxInboundConnections = connections;
            return this;
        }

        /**
         * Accepted connections that may be handshaking at once (default 64); more are closed at once. At most
         * {@link #maxInboundConnections}.
         */
        public Builder maxHandshakingConnections(int connections) {
            this.maxHandshakingConnections = connections;
            return this;
        }

        /**
         * Bytes that incomplete inbound frames of all connections may pin together (default 64 MiB), counted by
         * each frame's announced length; a frame that does not fit closes its connection. At least
         * {@link #maxFrameLength}.
         */
        public Builder maxInboundBufferedBytes(long bytes) {
            this.maxInboundBufferedBytes = bytes;
            return this;
        }

        /** Whether one of the authentication modes was chosen (test fixtures pick theirs only if not). */
        boolean authenticationChosen() {
            return secrets != null || tls != null || insecurePlaintext;
        }

        /** The protocol version announced in handshakes; only tests of version refusal change it. */
        Builder protocolVersion(int version) {
            this.protocolVersion = version;
            return this;
        }

        /**
         * Validates the settings and builds an unstarted transport; no thread or socket exists before
         * {@link NettyTransport#start}.
         *
         * @throws IllegalArgumentException if a setting is out of range
         * @throws IllegalStateException    if not exactly one of {@link #sharedSecret}, {@link #tls} and
         *                                  {@link #insecurePlaintext} was chosen
         */
        public NettyTransport build() {
            return new NettyTransport(new NettyTransportOptions(ioThreads, preferNative, threadNamePrefix, bindHost,
                    maxFrameLength, connectTimeout, handshakeTimeout, reconnectMin, reconnectMax, lowWaterMark,
                    highWaterMark, maxPendingBytesPerPeer, maxInboundFramesPerSecond, authMode(), secrets, tls,
                    new InboundLimits(frameReadTimeout, maxInboundConnections, maxHandshakingConnections,
                            maxInboundBufferedBytes), protocolVersion));
        }

        private PeerAuthMode authMode() {
            int chosen = (secrets != null ? 1 : 0) + (tls != null ? 1 : 0) + (insecurePlaintext ? 1 : 0);
            if (chosen != 1) {
                throw new IllegalStateException((chosen == 0 ? "no" : "more than one") + " peer authentication"
                        + " chosen: call exactly one of sharedSecret(SharedSecrets), tls(TlsConfig) or, where every"
                        + " host on the network is trusted, insecurePlaintext() (see docs/security.md)");
            }
            return secrets != null ? PeerAuthMode.SHARED_SECRET
                    : tls != null ? PeerAuthMode.MUTUAL_TLS : PeerAuthMode.INSECURE_PLAINTEXT;
        }
    }
}
