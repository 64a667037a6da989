package io.kommander.transport.netty;

import java.time.Duration;

/**
 * The validated settings of a {@link NettyTransport}, as its builder produced them. Immutable.
 *
 * @param ioThreads                 event loop threads (accept, read, write, encode, decode)
 * @param preferNative              use native epoll when the platform has it, NIO otherwise
 * @param threadNamePrefix          prefix of every thread the transport starts
 * @param bindHost                  the address to listen on; null to listen on the host of the local endpoint
 * @param maxFrameLength            the largest frame sent or accepted, in bytes (type byte and body)
 * @param connectTimeout            the TCP connect timeout
 * @param handshakeTimeout          how long a connection may take to complete TLS and the protocol handshake
 * @param reconnectMin              back-off after the first failure
 * @param reconnectMax              back-off cap
 * @param writeBufferLowWaterMark   a connection is writable again below this many queued bytes
 * @param writeBufferHighWaterMark  above this many queued bytes a connection is not writable: batches are dropped
 * @param maxPendingBytesPerPeer    batches (by encoded size) held per peer while it is not connected yet
 * @param maxInboundFramesPerSecond frames a peer may send per second (and in a burst) before it is cut off
 * @param authMode                  how peers prove who they are
 * @param secrets                   the shared secrets; set in the shared-secret mode only
 * @param tls                       TLS settings; set in the mutual-TLS mode only
 * @param limits                    what accepted connections may cost
 * @param protocolVersion           the protocol version announced in the handshake (tests of refusal only)
 */
record NettyTransportOptions(int ioThreads, boolean preferNative, String threadNamePrefix, String bindHost,
                             int maxFrameLength, Duration connectTimeout, Duration handshakeTimeout,
                             Duration reconnectMin, Duration reconnectMax, int writeBufferLowWaterMark,
                             int writeBufferHighWaterMark, long maxPendingBytesPerPeer,
                             long maxInboundFramesPerSecond, PeerAuthMode authMode, SharedSecrets secrets,
                             TlsConfig tls, InboundLimits limits, int protocolVersion) {

    NettyTransportOptions {
        positive(ioThreads, "ioThreads");
        if (maxFrameLength < FrameDecoder.HANDSHAKE_MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException("maxFrameLength must be >= " + FrameDecoder.HANDSHAKE_MAX_FRAME_LENGTH
                    + ", was " + maxFrameLength);
        }
        positive(connectTimeout.toMillis(), "connectTimeout");
        positive(handshakeTimeout.toMillis(), "handshakeTimeout");
        positive(reconnectMin.toMillis(), "reconnectMin");
        if (reconnectMax.compareTo(reconnectMin) < 0) {
            throw new IllegalArgumentException("reconnectMax must be >= reconnectMin");
        }
        positive(writeBufferLowWaterMark, "writeBufferLowWaterMark");
        if (writeBufferHighWaterMark < writeBufferLowWaterMark) {
            throw new IllegalArgumentException("writeBufferHighWaterMark must be >= writeBufferLowWaterMark");
        }
        if (maxPendingBytesPerPeer < 0) {
            throw new IllegalArgumentException("maxPendingBytesPerPeer must be >= 0");
        }
        positive(maxInboundFramesPerSecond, "maxInboundFramesPerSecond");
        if ((authMode == PeerAuthMode.SHARED_SECRET) != (secrets != null)
                || (authMode == PeerAuthMode.MUTUAL_TLS) != (tls != null)) {
            throw new IllegalArgumentException("authentication mode " + authMode + " without its material");
        }
        if (limits.maxInboundBufferedBytes() < maxFrameLength) {
            throw new IllegalArgumentException("maxInboundBufferedBytes (" + limits.maxInboundBufferedBytes()
                    + ") must be >= maxFrameLength (" + maxFrameLength + "): one whole frame must fit");
        }
        if (threadNamePrefix == null || threadNamePrefix.isBlank()) {
            throw new IllegalArgumentException("threadNamePrefix must not be blank");
        }
    }

    private static void positive(long value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
