package io.kommander.transport.netty;

import io.kommander.transport.TransportMetricsSink;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one {@link NettyTransport}, cumulative since it was built. Thread-safe; reads are cheap and may be
 * slightly behind concurrent updates. Names for export are listed in {@link #snapshot()}. Frames, bytes, drops and
 * reconnects also go to the node's meters, through the {@link TransportMetricsSink} of the transport's binding.
 */
public final class TransportMetrics {

    private final LongAdder framesSent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder framesReceived = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder messagesReceived = new LongAdder();
    private final LongAdder connectAttempts = new LongAdder();
    private final LongAdder connectFailures = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final LongAdder outboundHandshakes = new LongAdder();
    private final LongAdder inboundConnections = new LongAdder();
    private final LongAdder inboundHandshakes = new LongAdder();
    private final LongAdder handlerErrors = new LongAdder();
    private final Map<DropReason, LongAdder> dropped = counters(DropReason.class);
    private final Map<CloseReason, LongAdder> closed = counters(CloseReason.class);

    /** The node's meters, from the binding once the transport started. */
    private volatile TransportMetricsSink sink = TransportMetricsSink.NONE;

    TransportMetrics() {
    }

    /** BATCH frames written to peers' connections. */
    public long framesSent() {
        return framesSent.sum();
    }

    /** Bytes of BATCH frames written, headers included (before TLS). */
    public long bytesSent() {
        return bytesSent.sum();
    }

    /** Raft messages written, over all frames. */
    public long messagesSent() {
        return messagesSent.sum();
    }

    /** BATCH frames received and decoded. */
    public long framesReceived() {
        return framesReceived.sum();
    }

    /** Bytes of BATCH frames received and decoded, headers included. */
    public long bytesReceived() {
        return bytesReceived.sum();
    }

    /** Raft messages received and handed to the node. */
    public long messagesReceived() {
        return messagesReceived.sum();
    }

    /** Outbound TCP connections attempted. */
    public long connectAttempts() {
        return connectAttempts.sum();
    }

    /** Outbound TCP connections that failed to connect. */
    public long connectFailures() {
        return connectFailures.sum();
    }

    /** Outbound TCP connections attempted to a peer that had been connected (or tried) before. */
    public long reconnects() {
        return reconnects.sum();
    }

    /** Outbound connections whose handshake the peer accepted. */
    public long outboundHandshakes() {
        return outboundHandshakes.sum();
    }

    /** Inbound TCP connections accepted. */
    public long inboundConnections() {
        return inboundConnections.sum();
    }

    /** Inbound connections whose handshake this node accepted. */
    public long inboundHandshakes() {
        return inboundHandshakes.sum();
    }

    /** Exceptions thrown by the node's inbound handler (the connection stays open). */
    public long handlerErrors() {
        return handlerErrors.sum();
    }

    /** Outbound batches dropped for {@code reason}. */
    public long dropped(DropReason reason) {
        return dropped.get(reason).sum();
    }

    /** Connections this node closed (or saw refused) for {@code reason}. */
    public long closed(CloseReason reason) {
        return closed.get(reason).sum();
    }

    /**
     * Every counter by name, sorted: {@code frames.sent}, {@code bytes.sent}, {@code messages.sent},
     * {@code frames.received}, {@code bytes.received}, {@code messages.received}, {@code connect.attempts},
     * {@code connect.failures}, {@code reconnects}, {@code handshakes.outbound}, {@code connections.inbound},
     * {@code handshakes.inbound}, {@code handler.errors}, {@code dropped.<reason>} and {@code closed.<reason>}
     * (reasons in lower case).
     */
    public Map<String, Long> snapshot() {
        Map<String, Long> all = new TreeMap<>();
        all.put("frames.sent", framesSent());
        all.put("bytes.sent", bytesSent());
        all.put("messages.sent", messagesSent());
        all.put("frames.received", framesReceived());
        all.put("bytes.received", bytesReceived());
        all.put("messages.received", messagesReceived());
        all.put("connect.attempts", connectAttempts());
        all.put("connect.failures", connectFailures());
        all.put("reconnects", reconnects());
        all.put("handshakes.outbound", outboundHandshakes());
        all.put("connections.inbound", inboundConnections());
        all.put("handshakes.inbound", inboundHandshakes());
        all.put("handler.errors", handlerErrors());
        dropped.forEach((reason, n) -> all.put("dropped." + reason.name().toLowerCase(), n.sum()));
        closed.forEach((reason, n) -> all.put("closed." + reason.name().toLowerCase(), n.sum()));
        return all;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }

    void reportTo(TransportMetricsSink sink) {
        this.sink = sink;
    }

    void frameSent(int bytes, int messages) {
        sink.frameSent(bytes);
        framesSent.increment();
        bytesSent.add(bytes);
        messagesSent.add(messages);
    }

    void frameReceived(int bytes, int messages) {
        sink.frameReceived(bytes);
        framesReceived.increment();
        bytesReceived.add(bytes);
        messagesReceived.add(messages);
    }

    void connectAttempt() {
        connectAttempts.increment();
    }

    void connectFailure() {
        connectFailures.increment();
    }

    void reconnect() {
        sink.reconnect();
        reconnects.increment();
    }

    void outboundHandshake() {
        outboundHandshakes.increment();
    }

    void inboundConnection() {
        inboundConnections.increment();
    }

    void inboundHandshake() {
        inboundHandshakes.increment();
    }

    void handlerError() {
        handlerErrors.increment();
    }

    void dropped(DropReason reason, int batches) {
        if (batches > 0) {
            sink.dropped(batches);
        }
        dropped.get(reason).add(batches);
    }

    void connectionClosed(CloseReason reason) {
        closed.get(reason).increment();
    }

    private static <E extends Enum<E>> Map<E, LongAdder> counters(Class<E> type) {
        Map<E, LongAdder> map = new EnumMap<>(type);
        for (E value : type.getEnumConstants()) {
            map.put(value, new LongAdder());
        }
        return map;
    }
}
