package io.kommander.transport.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The outbound connection to one peer. Connects on the first send; until the handshake completes, batches wait in
 * a queue bounded by bytes (overflow is dropped and counted). Once connected, a batch is written only if the
 * connection is writable (below its high watermark), else dropped and counted: a slow peer costs retries, never
 * unbounded memory. A lost connection is re-established with exponential back-off and jitter until
 * {@link #close()}.
 *
 * <p>Thread-safe: {@link #send} is called from any thread; a connected send takes no lock.
 */
final class PeerConnection {

    private static final Logger log = LoggerFactory.getLogger(NettyTransport.class);

    private final String endpoint;
    private final EventLoop loop;
    private final Connector connector;
    private final Backoff backoff;
    private final long maxPendingBytes;
    private final TransportMetrics metrics;
    private final ChannelFutureListener countWriteFailure;

    /** The connection, once its handshake is done; null otherwise. */
    private volatile Channel ready;

    // Guarded by this.
    private final ArrayDeque<OutboundBatch> pending = new ArrayDeque<>();
    private long pendingBytes;
    private Channel current;
    private ScheduledFuture<?> retry;
    private boolean closed;
    /** Whether a connection was tried before: every later one is a reconnect. */
    private boolean tried;

    PeerConnection(String endpoint, EventLoop loop, Connector connector, Backoff backoff, long maxPendingBytes,
                   TransportMetrics metrics) {
        this.endpoint = endpoint;
        this.loop = loop;
        this.connector = connector;
        this.backoff = backoff;
        this.maxPendingBytes = maxPendingBytes;
        this.metrics = metrics;
        this.countWriteFailure = future -> {
            if (!future.isSuccess()) {
                metrics.dropped(DropReason.WRITE_FAILED, 1);
            }
        };
    }

    /** Sends or queues {@code batch}; never blocks. */
    void send(OutboundBatch batch) {
        Channel channel = ready;
        if (channel == null) {
            synchronized (this) {
                channel = ready;
                if (channel == null) {
                    enqueue(batch);
                    return;
                }
            }
        }
        write(channel, batch);
    }

    /** Stops reconnecting, drops what waits, and closes the connection; the future completes once it is closed. */
    ChannelFuture close() {
        Channel channel;
        synchronized (this) {
            closed = true;
            if (retry != null) {
                retry.cancel(false);
                retry = null;
            }
            metrics.dropped(DropReason.CLOSED, pending.size());
            pending.clear();
            pendingBytes = 0;
            ready = null;
            channel = current;
        }
        return channel == null ? null : channel.close();
    }

    private void enqueue(OutboundBatch batch) {
        if (closed) {
            metrics.dropped(DropReason.CLOSED, 1);
            return;
        }
        if (pendingBytes + batch.frameLength() > maxPendingBytes) {
            metrics.dropped(DropReason.NOT_CONNECTED, 1);
        } else {
            pending.add(batch);
            pendingBytes += batch.frameLength();
        }
        if (current == null && retry == null) {
            connect();
        }
    }

    private void write(Channel channel, OutboundBatch batch) {
        if (!channel.isWritable()) {
            metrics.dropped(DropReason.BACKPRESSURE, 1);
            return;
        }
        channel.writeAndFlush(batch).addListener(countWriteFailure);
    }

    /** Called with the lock held, with no connection and no retry scheduled. */
    private void connect() {
        metrics.connectAttempt();
        if (tried) {
            metrics.reconnect();
        }
        tried = true;
        ChannelFuture future = connector.connect(endpoint, this::onReady);
        current = future.channel();
        future.addListener(f -> {
            if (!f.isSuccess()) {
                metrics.connectFailure();
                log.debug("cannot connect to {}: {}", endpoint, f.cause().toString());
            }
        });
        current.closeFuture().addListener(f -> onClosed(future.channel()));
    }

    private synchronized void onReady(Channel channel) {
        if (closed || channel != current) {
            channel.close();
            return;
        }
        backoff.reset();
        log.debug("connected to {}", endpoint);
        while (!pending.isEmpty()) {
            write(channel, pending.poll());
        }
        pendingBytes = 0;
        ready = channel;
    }

    private synchronized void onClosed(Channel channel) {
        if (ready == channel) {
            ready = null;
        }
        if (current != channel) {
            return;
        }
        current = null;
        if (closed) {
            return;
        }
        long delay = backoff.nextDelayMillis();
        log.debug("connection to {} closed; reconnecting in {} ms", endpoint, delay);
        try {
            retry = loop.schedule(this::retry, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            closed = true;
        }
    }

    private synchronized void retry() {
        retry = null;
        if (!closed && current == null) {
            connect();
        }
    }
}
