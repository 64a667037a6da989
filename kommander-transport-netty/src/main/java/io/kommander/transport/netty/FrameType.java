package io.kommander.transport.netty;

/** The frame type byte that follows every frame's length (docs/wire-protocol.md, "Frames"). */
final class FrameType {

    /** Client to server, first frame of a connection: who I am. */
    static final int HELLO = 0x01;
    /** Server to client: handshake accepted, and who I am. */
    static final int WELCOME = 0x02;
    /** Server to client: handshake refused, why; the server closes the connection after it. */
    static final int REFUSE = 0x03;
    /** Client to server, after WELCOME, in the shared-secret mode only: the client's proof. */
    static final int AUTH = 0x04;
    /** Client to server, after the handshake: one {@link io.kommander.transport.MessageBatch}. */
    static final int BATCH = 0x10;

    private FrameType() {
    }
}
