package io.kommander.transport.netty;

import io.kommander.transport.NodeIdentity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * What a node presents in HELLO (client) and WELCOME (server) frames, and their encoding:
 * {@code "KMDR" | varint version | u8 authMode | string clusterId | zigzag nodeId | string endpoint |
 * varint memberCount | string membersDigest | varint partitions | varlong incarnation | u8 holdsEntries |
 * bytes nonce}, and for WELCOME only
 * {@code | bytes proof}. The magic and the version come first and never move, so any future version can read them
 * and refuse with a clear error; what follows the version belongs to that version.
 *
 * @param version  the protocol version the node speaks
 * @param mode     how the node authenticates its peers; both sides must use the same
 * @param identity who the node is; its endpoint is the {@code from} of every batch it sends
 * @param nonce    {@link #NONCE_BYTES} random bytes, new for every connection: the challenge of the shared-secret
 *                 mode, so that no proof can be replayed on another connection
 */
record Handshake(int version, PeerAuthMode mode, NodeIdentity identity, byte[] nonce) {

    /**
     * The protocol version this code speaks: 2 added the member list's digest and the partition count to the
     * handshake, and the issuing node and the client request id to log entries; 3 added the authentication mode,
     * the nonces, the server's proof in WELCOME and the AUTH frame; 4 added the node's incarnation and whether it
     * holds log entries (what a node that lost its data learns from its peers), the InstallSnapshot and
     * InstallSnapshotResponse messages (types 6 and 7) and the roster messages (types 8 and 9), and lets a node
     * whose members come from the roster present a member count of 0 with the digest {@code "roster"}; 5 added the
     * partition map messages (types 12 and 13)
     * and the Quiesce and NodeHeartbeat messages (types 10 and 11); 6 added MembershipQuery and ReplicaRemoved
     * (types 14 and 15), with which a replica taken out of its partition while it was cut off learns it; 7 changed
     * no layout but the rules every node applies to partition 0's log (a leader preference alone keeps a partition's
     * generation, a split's new half is placed on its source's replicas, first voters' incarnations are recorded):
     * nodes that derive different partition maps from one log must not form a cluster; 8 added the batch of
     * placements to partition 0's map entries (format 2: many placements as one map change), which a node of 7
     * cannot read; 9 added ReleaseQuery and MemberReleased (types 16 and 17), with which partition 0's leader learns
     * that a partition it does not host let a leaving member go, and the chunked layout of split and merge seeds
     * (format 2 of their seed entries: a seed in several entries, each within {@code maxEntryBytes}), which a node of 8
     * cannot read; 10 added the partition's move history to the snapshots InstallSnapshot carries, which a node of 9
     * refuses; 11 added the create that names its call to partition 0's map entries (format 3), which a node of 10
     * cannot read.
     */
    static final int CURRENT_VERSION = 12;

    /** Length of a nonce: 256 bits. */
    static final int NONCE_BYTES = 32;

    private static final byte[] MAGIC = "KMDR".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_NONCE = new byte[NONCE_BYTES];

    /** A template without a nonce yet; each connection takes a copy with a fresh one ({@link #withFreshNonce}). */
    static Handshake template(int version, PeerAuthMode mode, NodeIdentity identity) {
        return new Handshake(version, mode, identity, NO_NONCE);
    }

    /** This handshake with a new random nonce. */
    Handshake withFreshNonce(SecureRandom random) {
        byte[] fresh = new byte[NONCE_BYTES];
        random.nextBytes(fresh);
        return new Handshake(version, mode, identity, fresh);
    }

    /** The node's own {@code host:port}. */
    String endpoint() {
        return identity.endpoint();
    }

    /** A HELLO frame carrying this handshake. */
    ByteBuf hello(ByteBufAllocator alloc) {
        return FrameWriter.frame(alloc, FrameType.HELLO, this::write);
    }

    /** A WELCOME frame carrying this handshake and {@code proof} (empty unless the mode is the shared secret). */
    ByteBuf welcome(ByteBufAllocator alloc, byte[] proof) {
        return FrameWriter.frame(alloc, FrameType.WELCOME, out -> {
            write(out);
            out.bytes(proof);
        });
    }

    /** Writes the body of a HELLO (the part a WELCOME shares). */
    void write(WireSink out) {
        out.raw(MAGIC);
        out.varInt(version);
        out.u8(mode.wire);
        writeIdentity(out);
        out.bytes(nonce);
    }

    /** Writes the identity's fields, as in the handshake; also what the shared-secret proofs cover. */
    void writeIdentity(WireSink out) {
        out.string(identity.clusterId());
        out.zigzag(identity.nodeId());
        out.string(identity.endpoint());
        out.varInt(identity.memberCount());
        out.string(identity.membersDigest());
        out.varInt(identity.partitions());
        out.varLong(identity.incarnation());
        out.u8(identity.holdsEntries() ? 1 : 0);
    }

    /**
     * Reads the magic and the version of a HELLO or WELCOME body; {@link #read} reads the rest, and only for a
     * version this code speaks.
     */
    static int readVersion(WireReader in) {
        in.expectRaw(MAGIC, "magic: not a Kommander peer");
        return in.varInt();
    }

    /**
     * Reads what follows the version, for {@link #CURRENT_VERSION}, up to and including the nonce; a WELCOME's
     * proof and the end of the frame are the caller's.
     */
    static Handshake read(WireReader in, int version) {
        PeerAuthMode mode = PeerAuthMode.read(in.u8());
        String clusterId = in.string("cluster id");
        long nodeId = in.zigzag();
        if (nodeId != (int) nodeId) {
            throw WireReader.malformed("node id " + nodeId + " out of range");
        }
        String endpoint = in.string("endpoint");
        int memberCount = in.varInt();
        String membersDigest = in.string("members digest");
        if (memberCount < 0 || (memberCount == 0) != NodeIdentity.ROSTER.equals(membersDigest)) {
            throw WireReader.malformed("member count " + Integer.toUnsignedString(memberCount) + " with digest "
                    + membersDigest + ": 0 goes with the roster digest only, else it must be positive");
        }
        int partitions = positive(in.varInt(), "partition count");
        long incarnation = in.varLong();
        int holdsEntries = in.u8();
        if (holdsEntries > 1) {
            throw WireReader.malformed("holds-entries flag " + holdsEntries + "; expected 0 or 1");
        }
        byte[] nonce = in.bytes("nonce");
        if (nonce.length != NONCE_BYTES) {
            throw WireReader.malformed("nonce of " + nonce.length + " bytes; expected " + NONCE_BYTES);
        }
        return new Handshake(version, mode, new NodeIdentity(clusterId, (int) nodeId, endpoint, memberCount,
                membersDigest, partitions, incarnation, holdsEntries == 1), nonce);
    }

    private static int positive(int value, String what) {
        if (value < 1) {
            throw WireReader.malformed(what + " " + Integer.toUnsignedString(value) + " is not positive");
        }
        return value;
    }
}
