package io.kommander.internal.partition;

import io.kommander.RaftReplicationResult;

/**
 * Decides, on the partition's executor at the moment a client write would be proposed, whether the write may be
 * appended: the node's applied partition map can refuse it (a generation the caller addressed is stale, the
 * partition drains or is gone). Evaluated there, rather than when the call arrives, so that a write queued behind a
 * map change is judged by that change.
 */
@FunctionalInterface
public interface WriteFence {

    /** A fence that takes every write (the system partition's own writes, and settling manual proposals). */
    WriteFence OPEN = () -> null;

    /** Null to take the write, else the result to refuse it with. */
    RaftReplicationResult refusal();
}
