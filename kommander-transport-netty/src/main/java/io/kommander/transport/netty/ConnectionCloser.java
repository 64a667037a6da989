package io.kommander.transport.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection for a reason: counts it once per connection, logs it (at most {@link #LOGS_PER_WINDOW} lines
 * per {@link #WINDOW_NANOS}, so a storm of bad connections cannot flood the log; the number suppressed is logged
 * when logging resumes), and closes the channel, optionally after a farewell frame. Thread-safe.
 */
final class ConnectionCloser {

    private static final Logger log = LoggerFactory.getLogger(NettyTransport.class);
    private static final AttributeKey<CloseReason> CLOSE_REASON = AttributeKey.valueOf("kommander.closeReason");
    private static final int LOGS_PER_WINDOW = 20;
    private static final long WINDOW_NANOS = 10_000_000_000L;

    private final TransportMetrics metrics;
    private final String localEndpoint;
    private long windowStart = Long.MIN_VALUE;
    private int loggedInWindow;
    private long suppressed;

    ConnectionCloser(TransportMetrics metrics, String localEndpoint) {
        this.metrics = metrics;
        this.localEndpoint = localEndpoint;
    }

    /** Whether the connection is already being closed for a reason (later input is then ignored). */
    static boolean isClosing(Channel channel) {
        return channel.hasAttr(CLOSE_REASON) && channel.attr(CLOSE_REASON).get() != null;
    }

    /** Closes {@code channel} for {@code reason}; a second call for the same channel does nothing. */
    void close(Channel channel, CloseReason reason, String detail, Throwable cause) {
        if (mark(channel, reason)) {
            log(channel, reason, detail, cause);
            channel.close();
        }
    }

    /** Sends {@code farewell} (a REFUSE frame, released by the channel), then closes; counted like {@link #close}. */
    void refuse(Channel channel, CloseReason reason, String detail, Object farewell) {
        if (mark(channel, reason)) {
            log(channel, reason, detail, null);
            channel.writeAndFlush(farewell).addListener(ChannelFutureListener.CLOSE);
        } else {
            ReferenceCountUtil.release(farewell);
        }
    }

    private boolean mark(Channel channel, CloseReason reason) {
        if (!channel.attr(CLOSE_REASON).compareAndSet(null, reason)) {
            return false;
        }
        metrics.connectionClosed(reason);
        return true;
    }

    private void log(Channel channel, CloseReason reason, String detail, Throwable cause) {
        long dropped;
        synchronized (this) {
            long now = System.nanoTime();
            if (windowStart == Long.MIN_VALUE || now - windowStart > WINDOW_NANOS) {
                windowStart = now;
                loggedInWindow = 0;
            }
            if (++loggedInWindow > LOGS_PER_WINDOW) {
                suppressed++;
                return;
            }
            dropped = suppressed;
            suppressed = 0;
        }
        String text = "[{}] closing connection with {} ({}): {}" + (dropped > 0 ? " (" + dropped
                + " similar messages suppressed)" : "");
        Object remote = channel.remoteAddress();
        switch (reason) {
            case INTERNAL_ERROR -> log.error(text, localEndpoint, remote, reason, detail, cause);
            case WRONG_CLUSTER, WRONG_IDENTITY, WRONG_VERSION, REFUSED_BY_PEER, TLS_FAILURE ->
                    log.error(text, localEndpoint, remote, reason, detail);
            case IO_ERROR -> log.info(text, localEndpoint, remote, reason, detail);
            default -> log.warn(text, localEndpoint, remote, reason, detail);
        }
    }
}
