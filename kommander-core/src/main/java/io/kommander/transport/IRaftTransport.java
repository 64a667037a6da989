package io.kommander.transport;

/**
 * Carries {@link MessageBatch}es between nodes. Raft tolerates loss, duplication and reordering, so a transport
 * may drop a batch it cannot deliver (and should count it); it must never alter one.
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
     * The largest batch, by {@link RaftMessage#sizeEstimate()} summed, this transport carries; the dispatcher cuts
     * batches below it. Default 8 MiB.
     */
    default long maxBatchBytes() {
        return 8L << 20;
    }

    /** Stops listening, closes every connection and releases every thread the transport started. */
    @Override
    void close();
}
