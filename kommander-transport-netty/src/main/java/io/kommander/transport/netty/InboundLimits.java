package io.kommander.transport.netty;

import java.time.Duration;

/**
 * What the connections this node accepts may cost it, whoever is at the other end. Immutable.
 *
 * @param frameReadTimeout          how long a frame may take to arrive whole, from its first bytes
 * @param maxInboundConnections     accepted connections open at once, handshaking or not
 * @param maxHandshakingConnections accepted connections still handshaking at once
 * @param maxInboundBufferedBytes   bytes all incomplete inbound frames may pin together
 */
record InboundLimits(Duration frameReadTimeout, int maxInboundConnections, int maxHandshakingConnections,
                     long maxInboundBufferedBytes) {

    /** Defaults: 30 s, 256 connections of which 64 handshaking, 64 MiB. */
    static final InboundLimits DEFAULTS = new InboundLimits(Duration.ofSeconds(30), 256, 64, 64L * 1024 * 1024);

    InboundLimits {
        if (frameReadTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("frameReadTimeout must be at least 1 ms, was " + frameReadTimeout);
        }
        if (maxInboundConnections < 1 || maxHandshakingConnections < 1) {
            throw new IllegalArgumentException("maxInboundConnections and maxHandshakingConnections must be"
                    + " positive, were " + maxInboundConnections + " and " + maxHandshakingConnections);
        }
        if (maxHandshakingConnections > maxInboundConnections) {
            throw new IllegalArgumentException("maxHandshakingConnections (" + maxHandshakingConnections
                    + ") must be <= maxInboundConnections (" + maxInboundConnections + ")");
        }
    }
}
