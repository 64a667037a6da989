package io.kommander.bench.node.process;

import java.io.IOException;

/** A frame of the node protocol that cannot be decoded: bad length, unknown tag, truncated or trailing bytes. */
public final class MalformedFrameException extends IOException {

    /** An exception with a message saying what is wrong with the frame. */
    public MalformedFrameException(String message) {
        super(message);
    }
}
