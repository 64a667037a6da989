package io.kommander.transport.netty;

/**
 * How the peers of a cluster prove who they are. Every node of a cluster uses the same mode: HELLO and WELCOME carry
 * it, and a peer announcing another mode is refused with a message naming both (see {@code docs/security.md}).
 */
enum PeerAuthMode {
    /** Nobody proves anything: anyone who reaches the port can send Raft messages. Opt-in only. */
    INSECURE_PLAINTEXT(0, "insecure plaintext (no authentication)"),
    /** HMAC challenge-response over both sides' nonces and identities with a secret every node holds. */
    SHARED_SECRET(1, "a shared secret"),
    /** Mutual TLS with certificates that name the node they belong to. */
    MUTUAL_TLS(2, "mutual TLS");

    final int wire;
    final String description;

    PeerAuthMode(int wire, String description) {
        this.wire = wire;
        this.description = description;
    }

    static PeerAuthMode read(int wire) {
        for (PeerAuthMode mode : values()) {
            if (mode.wire == wire) {
                return mode;
            }
        }
        throw WireReader.malformed("unknown authentication mode " + wire);
    }
}
