package io.kommander;

/** A registered callback; {@link #close()} removes it. Idempotent and thread-safe. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    /** Removes the callback; later events no longer reach it. */
    @Override
    void close();
}
