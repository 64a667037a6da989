package io.kommander.transport.netty;

import io.kommander.transport.RaftMessage.TimeoutNow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 16, finding 1, as an attacker on the network would try it with raw sockets: well-formed Raft messages
 * (an AppendLogs claiming the leader, a RequestVote, a TimeoutNow and an AppendLogsResponse, with huge terms)
 * from a peer that does not hold the shared secret never reach the node's inbound handler, however the attacker
 * goes about the handshake. A good peer keeps being served meanwhile.
 */
class ImpostorTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CLAIMED = "127.0.0.1:1";

    private TestNode node;

    @BeforeEach
    void start() {
        node = TestNode.start(2);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @AfterAll
    static void noLeaks() {
        LeakRecorder.assertNoLeaks();
    }

    private void assertRefused(RawPeer attacker, CloseReason reason) {
        try (attacker) {
            attacker.writeQuietly(SampleMessages.forgedFrames(CLAIMED));
            assertThat(attacker.closedByNode()).isTrue();
        }
        await().atMost(WAIT).until(() -> node.metrics().closed(reason) >= 1);
        assertThat(node.received).isEmpty();
        assertThat(node.metrics().messagesReceived()).isZero();
        assertThat(node.metrics().inboundHandshakes()).isZero();
        try (TestNode good = TestNode.start(1)) {
            good.send(node, new TimeoutNow(1, 1, 0));
            await().atMost(WAIT).until(() -> node.received.size() == 1);
        }
    }

    @Test
    void framesWithoutAnyHandshakeAreRefused() {
        assertRefused(RawPeer.connect(node.endpoint), CloseReason.MALFORMED);
    }

    @Test
    void framesRightAfterHelloWithoutAProofAreRefused() {
        RawPeer attacker = RawPeer.connect(node.endpoint);
        attacker.helloAndWelcome(RawPeer.handshake(PeerAuthMode.SHARED_SECRET, 9, CLAIMED));
        assertRefused(attacker, CloseReason.AUTHENTICATION_FAILED);
    }

    @Test
    void framesAfterAProofMadeWithAnotherSecretAreRefused() {
        RawPeer attacker = RawPeer.connect(node.endpoint);
        Handshake self = RawPeer.handshake(PeerAuthMode.SHARED_SECRET, 9, CLAIMED);
        Handshake server = attacker.helloAndWelcome(self);
        SharedSecrets guessed = SharedSecrets.of("not-the-cluster-secret-at-all!!!".getBytes());
        attacker.write(RawPeer.authFrame(HandshakeProof.client(guessed, self, server)));
        assertRefused(attacker, CloseReason.AUTHENTICATION_FAILED);
    }

    /** A proof recorded on a genuine connection is worth nothing on another: the server's nonce differs. */
    @Test
    void aReplayedProofIsRefused() {
        Handshake genuine = RawPeer.handshake(PeerAuthMode.SHARED_SECRET, 9, CLAIMED);
        byte[] recordedAuth;
        try (RawPeer recorded = RawPeer.connect(node.endpoint)) {
            Handshake server = recorded.helloAndWelcome(genuine);
            recordedAuth = RawPeer.authFrame(HandshakeProof.client(TestNode.SECRETS, genuine, server));
        }
        RawPeer attacker = RawPeer.connect(node.endpoint);
        attacker.helloAndWelcome(genuine);
        attacker.write(recordedAuth);
        assertRefused(attacker, CloseReason.AUTHENTICATION_FAILED);
    }

    @Test
    void aPeerClaimingPlaintextIsRefused() {
        RawPeer attacker = RawPeer.connect(node.endpoint);
        attacker.write(RawPeer.hello(RawPeer.handshake(PeerAuthMode.INSECURE_PLAINTEXT, 9, CLAIMED)));
        assertRefused(attacker, CloseReason.AUTHENTICATION_FAILED);
    }

    /** The control: with the secret, the same frames are delivered, so the refusals above are not an accident. */
    @Test
    void theSameFramesFromAPeerHoldingTheSecretAreDelivered() {
        try (RawPeer member = RawPeer.handshaken(node.endpoint, CLAIMED)) {
            member.write(SampleMessages.forgedFrames(CLAIMED));
            await().atMost(WAIT).until(() -> node.received.size() == 5);
        }
    }
}
