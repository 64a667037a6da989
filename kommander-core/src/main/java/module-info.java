/**
 * Kommander for Java: embeddable multi-partition Raft.
 *
 * <p>The module exports the API ({@code io.kommander}) and the SPIs a user implements or plugs in
 * ({@code time}, {@code wal}, {@code transport}, {@code discovery}, {@code runtime}). The machinery under
 * {@code io.kommander.internal} is not exported, so it can change in any release without breaking a user.
 *
 * <p>Micrometer is optional ({@code requires static}): only a node built with a {@code MeterRegistry} touches it.
 */
module io.kommander {
    requires org.slf4j;
    requires static micrometer.core;

    exports io.kommander;
    exports io.kommander.time;
    exports io.kommander.wal;
    exports io.kommander.transport;
    exports io.kommander.discovery;
    exports io.kommander.runtime;
}
