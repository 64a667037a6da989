package io.kommander;

/** Thrown, or used to fail futures, when an operation is attempted on a node that was closed. */
public final class RaftClosedException extends IllegalStateException {
    /** @param message what was attempted */
    public RaftClosedException(String message) {
        super(message);
    }
}
