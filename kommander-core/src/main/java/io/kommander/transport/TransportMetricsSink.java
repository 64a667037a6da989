package io.kommander.transport;

/**
 * Where a transport reports what it carried and lost, for the node's metrics (docs/metrics.md). The node hands one
 * to its transport in the {@link TransportBinding}; without a meter registry it is {@link #NONE}, whose methods do
 * nothing, so a transport may call it on every frame.
 *
 * <p>Implementations are thread-safe and never block: a transport calls them from its I/O threads.
 */
public interface TransportMetricsSink {

    /** Reports nothing. */
    TransportMetricsSink NONE = new TransportMetricsSink() {
    };

    /** A frame of {@code bytes} bytes (headers included) was written to a peer. */
    default void frameSent(int bytes) {
    }

    /** A frame of {@code bytes} bytes (headers included) was received from a peer and decoded. */
    default void frameReceived(int bytes) {
    }

    /** {@code batches} outbound batches were dropped (not connected, back-pressure, closed, too large, ...). */
    default void dropped(int batches) {
    }

    /** The transport connects again to a peer it had connected to (or tried to) before. */
    default void reconnect() {
    }
}
