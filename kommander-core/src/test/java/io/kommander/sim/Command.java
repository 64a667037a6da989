package io.kommander.sim;

import java.nio.charset.StandardCharsets;

/**
 * What a simulated client proposes, as the payload of one log entry: a register write, a compare-and-set, or an
 * append to an append-only log. Every attempt of every client has its own {@code opId}, so each committed entry
 * names the one attempt that produced it.
 *
 * @param kind     the operation
 * @param opId     the attempt that proposed it
 * @param value    the value written (write), the expected value (CAS), unused (append)
 * @param newValue the value a CAS sets
 */
record Command(Kind kind, long opId, long value, long newValue) {

    /** Operations. */
    enum Kind { WRITE, CAS, APPEND }

    static Command write(long opId, long value) {
        return new Command(Kind.WRITE, opId, value, 0);
    }

    static Command cas(long opId, long expected, long newValue) {
        return new Command(Kind.CAS, opId, expected, newValue);
    }

    static Command append(long opId) {
        return new Command(Kind.APPEND, opId, 0, 0);
    }

    byte[] encode() {
        return (kind.name().charAt(0) + ":" + opId + ":" + value + ":" + newValue).getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes a payload, or returns null if it is not a command (a checkpoint, say). */
    static Command decode(byte[] data) {
        String[] parts = new String(data, StandardCharsets.UTF_8).split(":");
        if (parts.length != 4) {
            return null;
        }
        Kind kind = switch (parts[0]) {
            case "W" -> Kind.WRITE;
            case "C" -> Kind.CAS;
            case "A" -> Kind.APPEND;
            default -> null;
        };
        return kind == null ? null
                : new Command(kind, Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3]));
    }

    /** The register after this command, from {@code current}. */
    long applyTo(long current) {
        return switch (kind) {
            case WRITE -> value;
            case CAS -> current == value ? newValue : current;
            case APPEND -> current;
        };
    }
}
