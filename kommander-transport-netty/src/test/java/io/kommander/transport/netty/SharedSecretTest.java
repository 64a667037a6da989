package io.kommander.transport.netty;

import io.kommander.transport.PeerRefusal;
import io.kommander.transport.RaftMessage.TimeoutNow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The shared-secret mode between real transports, secret rotation, and choosing a mode at all. */
class SharedSecretTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] OLD = secret('o');
    private static final byte[] NEW = secret('n');

    @AfterAll
    static void noLeaks() {
        LeakRecorder.assertNoLeaks();
    }

    private static byte[] secret(char fill) {
        return String.valueOf(fill).repeat(32).getBytes(StandardCharsets.US_ASCII);
    }

    private static TestNode node(int id, SharedSecrets secrets) {
        return TestNode.start(id, b -> b.sharedSecret(secrets));
    }

    @Test
    void nodesHoldingTheSameSecretExchangeInBothDirections() {
        try (TestNode a = node(1, SharedSecrets.of(NEW)); TestNode b = node(2, SharedSecrets.of(NEW))) {
            a.send(b, new TimeoutNow(1, 1, 0));
            b.send(a, new TimeoutNow(2, 1, 0));
            await().atMost(WAIT).until(() -> a.received.size() == 1 && b.received.size() == 1);
            assertThat(b.received.peek().from()).isEqualTo(a.endpoint);
            assertThat(a.metrics().inboundHandshakes()).isEqualTo(1);
        }
    }

    @Test
    void nodesHoldingDifferentSecretsRefuseEachOtherAndSayWhy() {
        try (TestNode a = node(1, SharedSecrets.of(OLD)); TestNode b = node(2, SharedSecrets.of(NEW))) {
            a.send(b, new TimeoutNow(1, 1, 0));
            await().atMost(WAIT).until(() -> !a.refusals.isEmpty());
            PeerRefusal refusal = a.refusals.peek();
            assertThat(refusal.reason()).isEqualTo(PeerRefusal.Reason.AUTHENTICATION);
            assertThat(refusal.message()).contains("different secrets", b.endpoint);
            assertThat(a.metrics().closed(CloseReason.AUTHENTICATION_FAILED)).isPositive();
            assertThat(a.metrics().outboundHandshakes()).isZero();
            assertThat(b.received).isEmpty();
            assertThat(b.metrics().inboundHandshakes()).isZero();
        }
    }

    /**
     * A rotation, one step at a time: every node accepts both secrets and signs with the old one, then signs with
     * the new one, then drops the old one. Nodes one step apart always agree.
     */
    @Test
    void aSecretRotatesWithoutAnyPairOfNeighbouringStepsFailing() {
        SharedSecrets[] steps = {SharedSecrets.of(OLD), SharedSecrets.of(OLD, NEW), SharedSecrets.of(NEW, OLD),
                SharedSecrets.of(NEW)};
        for (int step = 0; step + 1 < steps.length; step++) {
            try (TestNode before = node(1, steps[step]); TestNode after = node(2, steps[step + 1])) {
                before.send(after, new TimeoutNow(1, 1, 0));
                after.send(before, new TimeoutNow(2, 1, 0));
                await().atMost(WAIT).until(() -> before.received.size() == 1 && after.received.size() == 1);
                assertThat(before.refusals).isEmpty();
                assertThat(after.refusals).isEmpty();
            }
        }
    }

    /**
     * The client accepts the server's secret but signs with one the server does not accept (two steps apart in a
     * rotation): the server refuses the proof after AUTH, and the client, already sending, is told why.
     */
    @Test
    void aProofTheServerDoesNotAcceptIsRefusedAfterAuthAndReportedToTheClient() {
        try (TestNode client = node(1, SharedSecrets.of(NEW, OLD)); TestNode server = node(2, SharedSecrets.of(OLD))) {
            client.send(server, new TimeoutNow(1, 1, 0));
            await().atMost(WAIT).until(() -> server.metrics().closed(CloseReason.AUTHENTICATION_FAILED) >= 1
                    && !client.refusals.isEmpty());
            assertThat(client.refusals.peek().reason()).isEqualTo(PeerRefusal.Reason.AUTHENTICATION);
            assertThat(client.refusals.peek().message()).contains("different secrets");
            assertThat(server.received).isEmpty();
            assertThat(server.metrics().inboundHandshakes()).isZero();
        }
    }

    @Test
    void aPlaintextNodeAndASecretNodeRefuseEachOtherInBothDirections() {
        try (TestNode plain = TestNode.start(1, b -> b.insecurePlaintext()); TestNode secret = TestNode.start(2)) {
            plain.send(secret, new TimeoutNow(1, 1, 0));
            secret.send(plain, new TimeoutNow(2, 1, 0));
            await().atMost(WAIT).until(() -> plain.refusals.size() >= 1 && secret.refusals.size() >= 1);
            assertThat(plain.refusals.peek().message()).contains("requires a shared secret",
                    "insecure plaintext");
            assertThat(secret.refusals.peek().reason()).isEqualTo(PeerRefusal.Reason.AUTHENTICATION);
            assertThat(plain.received).isEmpty();
            assertThat(secret.received).isEmpty();
        }
    }

    @Test
    void aBuilderWithoutAnAuthenticationModeOrWithTwoFailsClearly() {
        assertThatThrownBy(() -> NettyTransport.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no peer authentication chosen")
                .hasMessageContaining("sharedSecret(SharedSecrets), tls(TlsConfig) or")
                .hasMessageContaining("insecurePlaintext()");
        assertThatThrownBy(() -> NettyTransport.builder().insecurePlaintext().sharedSecret(SharedSecrets.of(NEW))
                .build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("more than one");
    }

    @Test
    void aShortSecretIsRefusedAndSecretsNeverShowInToString() {
        assertThatThrownBy(() -> SharedSecrets.of(new byte[15])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 16 bytes");
        assertThatThrownBy(() -> SharedSecrets.of(NEW, new byte[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("#1");
        SharedSecrets secrets = SharedSecrets.fromBase64("bmV3bmV3bmV3bmV3bmV3bmV3bmV3bmV3bmV3bmV3bmV3",
                "b2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xk");
        assertThat(secrets.size()).isEqualTo(2);
        assertThat(secrets.toString()).doesNotContain("new", "old", "bmV3");
    }

    @Test
    void insecurePlaintextWarnsWhenItStarts() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (TestNode plain = TestNode.start(1, b -> b.insecurePlaintext())) {
            assertThat(captured.toString(StandardCharsets.UTF_8)).contains("WARN", "INSECURE",
                    "peers are not authenticated", plain.endpoint);
        } finally {
            System.setErr(original);
        }
    }
}
