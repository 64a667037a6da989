package io.kommander.transport.netty;

import io.kommander.transport.NodeIdentity;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * An attacker who knows everything but the cluster's shared secret: it presents a member's exact identity and
 * sends {@link SampleMessages#forgedFrames forged Raft messages}, skipping the proof in one of three ways.
 */
final class Impostor {

    /** The ways of going about the handshake: none at all, a HELLO without a proof, a proof with a guessed secret. */
    static final int TECHNIQUES = 3;

    private static final SharedSecrets GUESSED = SharedSecrets.of(
            "a-guess-at-the-cluster-secret!!!".getBytes(StandardCharsets.US_ASCII));

    private Impostor() {
    }

    /**
     * One attack on {@code target} as {@code claimed}, with technique {@code technique % TECHNIQUES}.
     *
     * @return whether the node closed the connection (it must, for every technique)
     */
    static boolean attack(String target, NodeIdentity claimed, int technique) {
        try (RawPeer impostor = RawPeer.connect(target)) {
            int way = technique % TECHNIQUES;
            if (way > 0) {
                Handshake self = RawPeer.handshake(PeerAuthMode.SHARED_SECRET, claimed);
                Handshake server = impostor.helloAndWelcome(self);
                if (way == 2) {
                    impostor.write(RawPeer.authFrame(HandshakeProof.client(GUESSED, self, server)));
                }
            }
            impostor.writeQuietly(SampleMessages.forgedFrames(claimed.endpoint()));
            return impostor.closedByNode();
        } catch (UncheckedIOException e) {
            return true;   // reset by the node while the attack was under way
        }
    }
}
