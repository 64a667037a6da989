package io.kommander.transport.netty;

import io.kommander.transport.NodeIdentity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * The identity a node presents in HELLO (client) and WELCOME (server) frames, and their encoding:
 * {@code "KMDR" | varint version | string clusterId | zigzag nodeId | string endpoint | varint memberCount |
 * string membersDigest | varint partitions}. The magic and the version come first and never move, so any future
 * version can read them and refuse with a clear error; what follows the version belongs to that version.
 *
 * @param version  the protocol version the node speaks
 * @param identity who the node is; its endpoint is the {@code from} of every batch it sends
 */
record Handshake(int version, NodeIdentity identity) {

    /**
     * The protocol version this code speaks: 2 added the member list's digest and the partition count to the
     * handshake, and the issuing node and the client request id to log entries.
     */
    static final int CURRENT_VERSION = 2;

    private static final byte[] MAGIC = "KMDR".getBytes(StandardCharsets.US_ASCII);

    /** The node's own {@code host:port}. */
    String endpoint() {
        return identity.endpoint();
    }

    /** A HELLO or WELCOME frame carrying this identity. */
    ByteBuf frame(ByteBufAllocator alloc, int frameType) {
        return FrameWriter.frame(alloc, frameType, out -> {
            out.raw(MAGIC);
            out.varInt(version);
            out.string(identity.clusterId());
            out.zigzag(identity.nodeId());
            out.string(identity.endpoint());
            out.varInt(identity.memberCount());
            out.string(identity.membersDigest());
            out.varInt(identity.partitions());
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
        int memberCount = positive(in.varInt(), "member count");
        String membersDigest = in.string("members digest");
        int partitions = positive(in.varInt(), "partition count");
        in.expectEnd("handshake");
        return new Handshake(version, new NodeIdentity(clusterId, (int) nodeId, endpoint, memberCount, membersDigest,
                partitions));
    }

    private static int positive(int value, String what) {
        if (value < 1) {
            throw WireReader.malformed(what + " " + Integer.toUnsignedString(value) + " is not positive");
        }
        return value;
    }
}
