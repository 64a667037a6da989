package io.kommander.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * The identity a node presents in HELLO (client) and WELCOME (server) frames, and their encoding:
 * {@code "KMDR" | varint version | string clusterId | zigzag nodeId | string endpoint}. The magic and the version
 * come first and never move, so any future version can read them and refuse with a clear error; what follows the
 * version belongs to that version.
 *
 * @param version   the protocol version the node speaks
 * @param clusterId the cluster the node belongs to
 * @param nodeId    the node's numeric id
 * @param endpoint  the node's own {@code host:port}, the {@code from} of every batch it sends
 */
record Handshake(int version, String clusterId, int nodeId, String endpoint) {

    /** The protocol version this code speaks. */
    static final int CURRENT_VERSION = 2;

    private static final byte[] MAGIC = "KMDR".getBytes(StandardCharsets.US_ASCII);

    /** A HELLO or WELCOME frame carrying this identity. */
    ByteBuf frame(ByteBufAllocator alloc, int frameType) {
        return FrameWriter.frame(alloc, frameType, out -> {
            out.raw(MAGIC);
            out.varInt(version);
            out.string(clusterId);
            out.zigzag(nodeId);
            out.string(endpoint);
        });
    }

    /**
     * Reads the magic and the version of a HELLO or WELCOME body; {@link #readIdentity} reads the rest, and only
     * for a version this code speaks.
     */
    static int readVersion(WireReader in) {
        in.expectRaw(MAGIC, "magic: not a Kommander peer");
        return in.varInt();
    }

    /** Reads what follows the version, for {@link #CURRENT_VERSION}, to the end of the frame. */
    static Handshake readIdentity(WireReader in, int version) {
        String clusterId = in.string("cluster id");
        long nodeId = in.zigzag();
        if (nodeId != (int) nodeId) {
            throw WireReader.malformed("node id " + nodeId + " out of range");
        }
        String endpoint = in.string("endpoint");
        in.expectEnd("handshake");
        return new Handshake(version, clusterId, (int) nodeId, endpoint);
    }
}
