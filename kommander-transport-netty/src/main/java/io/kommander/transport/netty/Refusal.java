package io.kommander.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A REFUSE frame: why a server turned a handshake down. Its layout ({@code u8 code | varint supportedVersion |
 * string message}) is the same in every protocol version, so that peers of different versions understand it.
 *
 * @param reason           why: {@link CloseReason#WRONG_VERSION}, {@link CloseReason#WRONG_CLUSTER} or
 *                         {@link CloseReason#MALFORMED}
 * @param supportedVersion the protocol version the refusing server speaks
 * @param message          a human-readable explanation, logged by the refused client
 */
record Refusal(CloseReason reason, int supportedVersion, String message) {

    private static final int CODE_WRONG_VERSION = 1;
    private static final int CODE_WRONG_CLUSTER = 2;
    private static final int CODE_MALFORMED = 3;
    private static final int MAX_MESSAGE_CHARS = 512;

    ByteBuf frame(ByteBufAllocator alloc) {
        String text = message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) : message;
        return FrameWriter.frame(alloc, FrameType.REFUSE, out -> {
            out.u8(code(reason));
            out.varInt(supportedVersion);
            out.string(text);
        });
    }

    static Refusal read(WireReader in) {
        int code = in.u8();
        CloseReason reason = switch (code) {
            case CODE_WRONG_VERSION -> CloseReason.WRONG_VERSION;
            case CODE_WRONG_CLUSTER -> CloseReason.WRONG_CLUSTER;
            case CODE_MALFORMED -> CloseReason.MALFORMED;
            default -> throw new ProtocolException(CloseReason.UNKNOWN_TYPE, "unknown refusal code " + code);
        };
        int version = in.varInt();
        String message = in.string("refusal message");
        in.expectEnd("refusal");
        return new Refusal(reason, version, message);
    }

    private static int code(CloseReason reason) {
        return switch (reason) {
            case WRONG_VERSION -> CODE_WRONG_VERSION;
            case WRONG_CLUSTER -> CODE_WRONG_CLUSTER;
            default -> CODE_MALFORMED;
        };
    }
}
