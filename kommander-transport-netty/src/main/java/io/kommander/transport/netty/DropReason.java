package io.kommander.transport.netty;

/**
 * Why an outbound batch was dropped instead of sent. Raft retries, so a drop costs latency, never safety; each
 * drop is counted in {@link TransportMetrics#dropped(DropReason)}.
 */
public enum DropReason {
    /** The peer was not connected and the per-peer queue of batches waiting for the connection was full. */
    NOT_CONNECTED,
    /** The connection's write buffer was above its high watermark: the peer reads slower than we send. */
    BACKPRESSURE,
    /** The encoded batch would exceed the maximum frame length. */
    OVERSIZED,
    /** The transport was closed, or had not been started. */
    CLOSED,
    /** The write failed because the connection broke while the batch was queued in it. */
    WRITE_FAILED
}
