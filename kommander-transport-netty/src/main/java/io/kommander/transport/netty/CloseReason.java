package io.kommander.transport.netty;

/**
 * Why the transport closed a connection. Each closure is logged with its reason and counted in
 * {@link TransportMetrics#closed(CloseReason)}; only that connection is affected.
 */
public enum CloseReason {
    /** A frame announced a length above the configured maximum (or above the handshake limit before it). */
    FRAME_TOO_LARGE,
    /** Bytes that do not follow the protocol: bad magic, truncated or inconsistent lengths, invalid values. */
    MALFORMED,
    /** A frame or message type this version does not know. */
    UNKNOWN_TYPE,
    /** The peer did not complete the handshake within the handshake timeout. */
    HANDSHAKE_TIMEOUT,
    /** The peer speaks another protocol version; refused. */
    WRONG_VERSION,
    /** The peer belongs to another cluster; refused. */
    WRONG_CLUSTER,
    /**
     * The peer's identity disagrees with this node's: the same node id, another member list or partition count,
     * or another endpoint than the one dialled; refused.
     */
    WRONG_IDENTITY,
    /**
     * The peer did not prove who it is: another authentication mode, a shared-secret proof that matches none of the
     * accepted secrets, a certificate that does not name the node it claims, or a Raft frame before the proof.
     */
    AUTHENTICATION_FAILED,
    /** The peer refused our handshake (its reason is in the log). */
    REFUSED_BY_PEER,
    /** The peer sent frames faster than the configured inbound rate. */
    FLOOD,
    /** A frame did not arrive whole within the frame read timeout of its first bytes. */
    FRAME_TIMEOUT,
    /** An incomplete frame did not fit in what unfinished inbound frames may pin together. */
    INBOUND_MEMORY_LIMIT,
    /** Accepting the connection would exceed the cap on inbound connections (all, or those still handshaking). */
    TOO_MANY_CONNECTIONS,
    /** The same peer authenticated a newer connection to this node: the older one is closed. */
    REPLACED,
    /** The TLS handshake failed: no certificate, a certificate of another CA, or a TLS protocol error. */
    TLS_FAILURE,
    /** The connection failed at the socket level (reset, broken pipe). */
    IO_ERROR,
    /** An unexpected error inside the transport; a bug, reported with its stack trace. */
    INTERNAL_ERROR
}
