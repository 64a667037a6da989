package io.kommander.transport.netty;

import io.kommander.transport.MessageBatch;

/**
 * A batch on its way to a peer's connection, with the size of its encoded body, measured once on the sender's
 * thread (for the frame limit and the pending-bytes bound) and reused by {@link BatchEncoder} to allocate the frame.
 */
record OutboundBatch(MessageBatch batch, int bodyLength) {

    /** The whole frame's size on the wire. */
    int frameLength() {
        return FrameWriter.HEADER_LENGTH + bodyLength;
    }
}
