package io.kommander.internal.partition;

/**
 * The application type strings the library keeps for its own entries (split and seed entries in user partitions,
 * roster and map commands in partition 0). A user write may not use them, so the library never mistakes a user's
 * entry for one of its own.
 */
public final class ReservedTypes {

    /** Every library-owned type string starts with this. */
    public static final String PREFIX = "kommander.";

    private ReservedTypes() {
    }

    /** Whether {@code type} is one of the library's own (null is not). */
    public static boolean isReserved(String type) {
        return type != null && type.startsWith(PREFIX);
    }
}
