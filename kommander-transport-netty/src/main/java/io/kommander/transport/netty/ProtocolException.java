package io.kommander.transport.netty;

/**
 * Input that does not follow the wire protocol. Thrown by the decoders ({@link MessageCodec#decode}); inside a
 * connection's pipeline it closes that connection with its {@link #reason()}.
 */
public final class ProtocolException extends RuntimeException {

    /** The reason the connection is closed with. */
    private final CloseReason reason;

    /**
     * Creates an exception.
     *
     * @param reason  the reason the connection will be closed with
     * @param message what was wrong, for the log
     */
    public ProtocolException(CloseReason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** The reason a connection that received this input is closed with. */
    public CloseReason reason() {
        return reason;
    }
}
