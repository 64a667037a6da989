package io.kommander.transport;

/**
 * Carries {@link MessageBatch}es between nodes. Raft tolerates loss, duplication and reordering, so a transport
 * may drop a batch it cannot deliver now (and should count it); it must never alter one.
 *
 * <p><b>Identity.</b> Before it delivers anything between two nodes, a transport exchanges their
 * {@link NodeIdentity}s (each asked of its {@link TransportBinding#identity()} at that handshake) and checks them with
 * {@link NodeIdentity#check}: the side that was reached checks the identity of the side that reached it, and the
 * side that reached it also checks that the peer calls itself what it dialled. On any disagreement it delivers
 * nothing between them and reports a {@link PeerRefusal} to both nodes through {@link TransportBinding#refusals()}
 * (the node fails {@code joinCluster()} with it). When they agree, it gives each node the other's identity through
 * {@link TransportBinding#peers()}. A transport checks again whenever it reaches a peer anew (a reconnection, a
 * restarted peer), and may report the same refusal (or identity) more than once.
 *
 * <p><b>Size.</b> A transport carries every batch whose messages' {@link RaftMessage#sizeEstimate()}s add up to
 * at most {@link #maxBatchBytes()}; it never drops such a batch for its size. The node builds no larger batch
 * and no larger message, and refuses a configuration whose largest entry would not fit.
 *
 * <p>Implementations are thread-safe. {@link #send} never blocks the caller.
 */
public interface IRaftTransport extends AutoCloseable {

    /**
     * Starts listening and accepting peers. Called once, before any {@link #send}.
     *
     * @throws java.io.UncheckedIOException if the endpoint cannot be bound
     */
    void start(TransportBinding binding);

    /**
     * Sends a batch to the node at {@code endpoint}, asynchronously; connects lazily.
     *
     * @param endpoint the peer's {@code host:port}
     * @param batch    what to send
     * @throws IllegalArgumentException if {@code endpoint} is not {@code host:port}
     */
    void send(String endpoint, MessageBatch batch);

    /**
     * The largest batch, by {@link RaftMessage#sizeEstimate()} summed, this transport carries (see the class
     * comment). The node's dispatcher cuts batches at it, and the node derives the largest AppendLogs and the
     * largest entry from it. Default 8 MiB.
     */
    default long maxBatchBytes() {
        return 8L << 20;
    }

    /** Stops listening, closes every connection and releases every thread the transport started. */
    @Override
    void close();
}
