package io.kommander.transport;

/**
 * Receives batches that arrived for this node. Implementations return quickly and never block: the call runs on
 * a transport's I/O thread. The batch's sender is the endpoint the peer declared when it connected; what proves it
 * depends on the transport (Netty: a certificate naming it under mutual TLS, membership only with a shared secret,
 * nothing in insecure plaintext).
 */
@FunctionalInterface
public interface InboundHandler {
    /** Handles one batch received from a peer. */
    void onBatch(MessageBatch batch);
}
