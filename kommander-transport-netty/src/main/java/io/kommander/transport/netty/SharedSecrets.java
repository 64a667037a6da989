package io.kommander.transport.netty;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The secrets of the shared-secret mode ({@link NettyTransport.Builder#sharedSecret}): every node of a cluster holds
 * them, and a peer is accepted only if it proves, in the handshake, that it knows one of them. The first secret
 * signs this node's proofs; all of them are accepted in a peer's proof, so that a secret can be rotated without
 * downtime (see {@code docs/security.md}). Immutable and thread-safe; {@link #toString()} never shows a secret.
 */
public final class SharedSecrets {

    /** The shortest secret accepted, in bytes: 128 bits. Use 32 random bytes. */
    public static final int MIN_BYTES = 16;

    private final List<byte[]> secrets;

    private SharedSecrets(List<byte[]> secrets) {
        this.secrets = secrets;
    }

    /**
     * Secrets given as bytes (copied).
     *
     * @param current      signs this node's proofs, and is accepted
     * @param alsoAccepted accepted in peers' proofs too: the old secret while a rotation is under way
     * @throws IllegalArgumentException if a secret is shorter than {@link #MIN_BYTES}
     */
    public static SharedSecrets of(byte[] current, byte[]... alsoAccepted) {
        List<byte[]> all = new ArrayList<>(1 + alsoAccepted.length);
        all.add(checked(current, 0));
        for (int i = 0; i < alsoAccepted.length; i++) {
            all.add(checked(alsoAccepted[i], i + 1));
        }
        return new SharedSecrets(List.copyOf(all));
    }

    /**
     * Secrets given in base64 (as {@code openssl rand -base64 32} prints them), in the order of {@link #of}.
     *
     * @throws IllegalArgumentException if one is not base64 or is shorter than {@link #MIN_BYTES} once decoded
     */
    public static SharedSecrets fromBase64(String current, String... alsoAccepted) {
        byte[][] rest = new byte[alsoAccepted.length][];
        for (int i = 0; i < rest.length; i++) {
            rest[i] = Base64.getDecoder().decode(alsoAccepted[i].strip());
        }
        return of(Base64.getDecoder().decode(current.strip()), rest);
    }

    /** How many secrets are accepted. */
    public int size() {
        return secrets.size();
    }

    /** The secret this node signs with (not a copy: callers inside the transport never modify it). */
    byte[] signing() {
        return secrets.get(0);
    }

    /** Every accepted secret, the signing one first (not copies). */
    List<byte[]> accepted() {
        return secrets;
    }

    @Override
    public String toString() {
        return "SharedSecrets[" + secrets.size() + " accepted]";
    }

    private static byte[] checked(byte[] secret, int position) {
        if (secret == null || secret.length < MIN_BYTES) {
            throw new IllegalArgumentException("shared secret #" + position + " must be at least " + MIN_BYTES
                    + " bytes, was " + (secret == null ? "null" : secret.length + " bytes"));
        }
        return secret.clone();
    }
}
