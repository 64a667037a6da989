package io.kommander.transport.netty;

import io.kommander.transport.RaftMessage.TimeoutNow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Mutual TLS with the fixtures of src/test/resources/tls (made by generate.sh). */
class TlsTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final char[] PASSWORD = "changeit".toCharArray();

    @AfterAll
    static void noLeaks() {
        LeakRecorder.assertNoLeaks();
    }

    static Path fixture(String name) {
        try {
            return Path.of(TlsTest.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static TlsConfig node1Pem() {
        return TlsConfig.fromPem(fixture("node1.pem"), fixture("node1.key"), fixture("ca-a.pem"));
    }

    static TlsConfig node2KeyStore() {
        return TlsConfig.fromKeyStore(fixture("node2.p12"), PASSWORD, fixture("truststore-a.p12"), PASSWORD);
    }

    @Test
    void nodesWithCertificatesOfTheClusterCaExchangeOverMutualTls() {
        try (TestNode a = TestNode.start(1, b -> b.tls(node1Pem()));
             TestNode b = TestNode.start(2, x -> x.tls(node2KeyStore().withHostnameVerification(true)))) {
            a.send(b, new TimeoutNow(1, 1, 0));
            b.send(a, SampleMessages.appendWithPayload(4, 10, 16 * 1024));
            await().atMost(WAIT).until(() -> a.received.size() == 1 && b.received.size() == 1);
            assertThat(b.received.peek().from()).isEqualTo(a.endpoint);
            assertThat(a.receivedMessages()).containsExactly(SampleMessages.appendWithPayload(4, 10, 16 * 1024));
        }
    }

    @Test
    void aPeerWithACertificateOfAnotherCaIsRefused() {
        TlsConfig otherCa = TlsConfig.fromPem(fixture("node3-b.pem"), fixture("node3-b.key"), fixture("ca-a.pem"));
        assertRefusedByTls(otherCa);
    }

    @Test
    void aCertificateOfAnotherCaPresentedAnywayFailsValidation() throws Exception {
        try (TestNode node = TestNode.start(2, b -> b.tls(node2KeyStore()))) {
            javax.net.ssl.SSLContext context = ForcedCertificateClient.context(fixture("node3-b.pem"),
                    fixture("node3-b.key"));
            try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory()
                    .createSocket("127.0.0.1", io.kommander.discovery.Endpoints.parsePort(node.endpoint))) {
                socket.setSoTimeout(10_000);
                socket.startHandshake();
                // With TLS 1.3 the client may finish before the server has judged its certificate: read the verdict.
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> socket.getInputStream().read())
                        .isInstanceOf(java.io.IOException.class);
            } catch (javax.net.ssl.SSLException expected) {
                // refused during the handshake itself
            }
            await().atMost(WAIT).until(() -> node.metrics().closed(CloseReason.TLS_FAILURE) == 1);
            assertThat(node.metrics().inboundHandshakes()).isZero();
        }
    }

    @Test
    void aPeerWithoutACertificateIsRefused() {
        assertRefusedByTls(node1Pem().withoutClientCertificate(fixture("ca-a.pem")));
    }

    @Test
    void aPlainTcpPeerIsRefusedByATlsNode() {
        assertRefusedByTls(null);
    }

    @Test
    void aPeerOfAnotherClusterWithAValidCertificateCannotSend() {
        try (TestNode stranger = TestNode.start(1, "other-cluster", FreePorts.loopbackEndpoint(), b -> b.tls(node1Pem()));
             TestNode node = TestNode.start(2, b -> b.tls(node2KeyStore()))) {
            stranger.send(node, new TimeoutNow(1, 1, 0));
            await().atMost(WAIT).until(() -> node.metrics().closed(CloseReason.WRONG_CLUSTER) >= 1
                    && stranger.metrics().closed(CloseReason.REFUSED_BY_PEER) >= 1);
            assertThat(node.received).isEmpty();
        }
    }

    @Test
    void unreadableTlsFilesFailWithTheirPath() {
        assertThatThrownBy(() -> TlsConfig.fromPem(Path.of("missing.pem"), fixture("node1.key"), fixture("ca-a.pem")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.pem");
        TlsConfig wrongPassword = TlsConfig.fromKeyStore(fixture("node2.p12"), "nope".toCharArray(),
                fixture("truststore-a.p12"), PASSWORD);
        assertThatThrownBy(wrongPassword::serverContext).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot load the TLS key or trust store");
    }

    private static void assertRefusedByTls(TlsConfig intruderTls) {
        try (TestNode intruder = TestNode.start(3, b -> intruderTls == null ? b : b.tls(intruderTls));
             TestNode node = TestNode.start(2, b -> b.tls(node2KeyStore()))) {
            intruder.send(node, new TimeoutNow(1, 1, 0));
            await().atMost(WAIT).until(() -> node.metrics().closed(CloseReason.TLS_FAILURE) >= 1);
            assertThat(node.received).isEmpty();
            assertThat(node.metrics().inboundHandshakes()).isZero();
            assertThat(intruder.metrics().outboundHandshakes()).isZero();
        }
    }
}
