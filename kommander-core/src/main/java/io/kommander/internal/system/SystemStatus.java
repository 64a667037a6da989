package io.kommander.internal.system;

import io.kommander.RaftOperationStatus;

/** Reads a status name from a system answer off the wire: one this version does not know is an error. Stateless. */
final class SystemStatus {

    private SystemStatus() {
    }

    /** The status named, or {@link RaftOperationStatus#Errored} for a name this version does not know. */
    static RaftOperationStatus parse(String name) {
        try {
            return RaftOperationStatus.valueOf(name);
        } catch (IllegalArgumentException e) {
            return RaftOperationStatus.Errored;
        }
    }
}
