package io.kommander.transport.netty;

import io.kommander.transport.PeerRefusal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A REFUSE frame: why a server turned a handshake down. Its layout ({@code u8 code | varint supportedVersion |
 * string message}) is the same in every protocol version, so that peers of different versions understand it.
 *
 * @param code             why
 * @param supportedVersion the protocol version the refusing server speaks
 * @param message          a human-readable explanation naming both nodes, logged and reported by the refused client
 */
record Refusal(Code code, int supportedVersion, String message) {

    private static final int MAX_MESSAGE_CHARS = 512;

    /** The refusal codes of the wire, with the close reason and the {@link PeerRefusal.Reason} each stands for. */
    enum Code {
        WRONG_VERSION(1, CloseReason.WRONG_VERSION, PeerRefusal.Reason.PROTOCOL),
        WRONG_CLUSTER(2, CloseReason.WRONG_CLUSTER, PeerRefusal.Reason.CLUSTER_ID),
        MALFORMED(3, CloseReason.MALFORMED, PeerRefusal.Reason.PROTOCOL),
        NODE_ID(4, CloseReason.WRONG_IDENTITY, PeerRefusal.Reason.NODE_ID),
        ENDPOINT(5, CloseReason.WRONG_IDENTITY, PeerRefusal.Reason.ENDPOINT),
        MEMBERS(6, CloseReason.WRONG_IDENTITY, PeerRefusal.Reason.MEMBERS),
        PARTITIONS(7, CloseReason.WRONG_IDENTITY, PeerRefusal.Reason.PARTITIONS),
        AUTHENTICATION(8, CloseReason.AUTHENTICATION_FAILED, PeerRefusal.Reason.AUTHENTICATION);

        final int wire;
        final CloseReason closeReason;
        final PeerRefusal.Reason reason;

        Code(int wire, CloseReason closeReason, PeerRefusal.Reason reason) {
            this.wire = wire;
            this.closeReason = closeReason;
            this.reason = reason;
        }

        /** The code of an identity disagreement ({@link PeerRefusal.Reason#PROTOCOL} is {@link #WRONG_VERSION}). */
        static Code of(PeerRefusal.Reason reason) {
            for (Code code : values()) {
                if (code.reason == reason) {
                    return code;
                }
            }
            throw new IllegalArgumentException("no refusal code for " + reason);
        }

        static Code read(int wire) {
            for (Code code : values()) {
                if (code.wire == wire) {
                    return code;
                }
            }
            throw new ProtocolException(CloseReason.UNKNOWN_TYPE, "unknown refusal code " + wire);
        }
    }

    ByteBuf frame(ByteBufAllocator alloc) {
        String text = message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) : message;
        return FrameWriter.frame(alloc, FrameType.REFUSE, out -> {
            out.u8(code.wire);
            out.varInt(supportedVersion);
            out.string(text);
        });
    }

    static Refusal read(WireReader in) {
        Code code = Code.read(in.u8());
        int version = in.varInt();
        String message = in.string("refusal message");
        in.expectEnd("refusal");
        return new Refusal(code, version, message);
    }
}
