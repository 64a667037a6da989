package io.kommander.transport;

/**
 * Told when a transport refuses a peer, or is refused by one, because their identities disagree (see
 * {@link NodeIdentity#check}). Called on a transport thread, possibly again on every reconnection: implementations
 * return quickly, never block, and tolerate repeats.
 */
@FunctionalInterface
public interface RefusalHandler {
    /** Handles one refusal. */
    void onRefused(PeerRefusal refusal);
}
