package io.kommander.transport;

/**
 * Receives batches that arrived for this node. Implementations return quickly and never block: the call may run
 * on a transport's I/O thread.
 */
@FunctionalInterface
public interface InboundHandler {
    /** Handles one batch received from a peer. */
    void onBatch(MessageBatch batch);
}
