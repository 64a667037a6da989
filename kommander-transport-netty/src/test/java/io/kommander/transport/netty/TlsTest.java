package io.kommander.transport.netty;

import io.kommander.transport.RaftMessage.TimeoutNow;
import io.kommander.transport.PeerRefusal;
import io.kommander.transport.RaftMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Mutual TLS: node certificates made for the test's endpoints by {@link TestCertificates}, and the fixed fixtures of
 * src/test/resources/tls (made by generate.sh) for certificates that fail TLS itself or name no node.
 */
class TlsTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static TestCertificates ca;

    @BeforeAll
    static void clusterCa() {
        ca = TestCertificates.newCa("Kommander Test CA");
    }

    /** A node of the test cluster on a free port with a certificate of the cluster CA that names it. */
    static TestNode certifiedNode(int nodeId, UnaryOperator<TlsConfig> tls) {
        String endpoint = FreePorts.loopbackEndpoint();
        return TestNode.start(nodeId, TestNode.CLUSTER, endpoint, b -> b.tls(tls.apply(ca.node(nodeId, endpoint))));
    }

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
    void nodesWithCertificatesThatNameThemExchangeOverMutualTls() {
        try (TestNode a = certifiedNode(1, t -> t);
             TestNode b = certifiedNode(2, t -> t.withHostnameVerification(true))) {
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
        String strangerEndpoint = FreePorts.loopbackEndpoint();
        try (TestNode stranger = TestNode.start(1, "other-cluster", strangerEndpoint,
                b -> b.tls(ca.node(1, strangerEndpoint)));
             TestNode node = certifiedNode(2, t -> t)) {
            stranger.send(node, new TimeoutNow(1, 1, 0));
            await().atMost(WAIT).until(() -> node.metrics().closed(CloseReason.WRONG_CLUSTER) >= 1
                    && stranger.metrics().closed(CloseReason.REFUSED_BY_PEER) >= 1);
            assertThat(node.received).isEmpty();
        }
    }

    /** Issue 16, finding 3: node 2's valid certificate must not let a connection speak as node 3. */
    @Test
    void aPeerPresentingAnotherNodesCertificateIsRefusedBeforeAnyMessage() {
        String node2Endpoint = FreePorts.loopbackEndpoint();
        TlsConfig node2Certificate = ca.node(2, node2Endpoint);
        try (TestNode node = certifiedNode(1, t -> t);
             TestNode impostor = TestNode.start(3, b -> b.tls(node2Certificate))) {
            impostor.send(node, SampleMessages.batch("ignored:1", 1).messages().toArray(new RaftMessage[0]));
            await().atMost(WAIT).until(() -> node.metrics().closed(CloseReason.AUTHENTICATION_FAILED) >= 1
                    && !impostor.refusals.isEmpty());
            assertThat(node.received).isEmpty();
            assertThat(node.metrics().inboundHandshakes()).isZero();
            PeerRefusal refusal = impostor.refusals.peek();
            assertThat(refusal.reason()).isEqualTo(PeerRefusal.Reason.AUTHENTICATION);
            assertThat(refusal.message()).contains("kommander://" + impostor.endpoint + "/node/3",
                    "kommander://" + node2Endpoint + "/node/2");
            // The other way round: a node dialling the impostor refuses its welcome, and sends nothing.
            node.send(impostor, new TimeoutNow(1, 1, 0));
            await().atMost(WAIT).until(() -> node.refusals.stream()
                    .anyMatch(r -> r.reason() == PeerRefusal.Reason.AUTHENTICATION));
            assertThat(node.metrics().outboundHandshakes()).isZero();
            assertThat(impostor.received).isEmpty();
        }
    }

    /**
     * Issue 16 with raw sockets under mutual TLS: a client with node 2's valid certificate claims to be node 3 and
     * sends forged Raft messages right behind its HELLO; none is read.
     */
    @Test
    void forgedMessagesOverTlsWithAnotherNodesCertificateAreNeverRead() throws IOException {
        String node2Endpoint = FreePorts.loopbackEndpoint();
        SSLContext node2 = ca.clientContext(ca.nodeKeyStore(2, node2Endpoint));
        try (TestNode node = certifiedNode(1, t -> t);
             SSLSocket socket = (SSLSocket) node2.getSocketFactory().createSocket("127.0.0.1",
                     io.kommander.discovery.Endpoints.parsePort(node.endpoint))) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            String claimed = "127.0.0.1:1";
            socket.getOutputStream().write(RawPeer.hello(RawPeer.handshake(PeerAuthMode.MUTUAL_TLS, 3, claimed)));
            socket.getOutputStream().write(SampleMessages.forgedFrames(claimed));
            socket.getOutputStream().flush();
            try {
                socket.getInputStream().readAllBytes();   // a REFUSE, then the end of the connection
            } catch (IOException reset) {
                // closed by the node while the forged frames were still unread: a reset is a closure too
            }
            await().atMost(WAIT).until(() -> node.metrics().closed(CloseReason.AUTHENTICATION_FAILED) == 1);
            assertThat(node.received).isEmpty();
            assertThat(node.metrics().inboundHandshakes()).isZero();
        }
    }

    @Test
    void aCertificateThatNamesNoNodeIsRefused() {
        try (TestNode node = certifiedNode(1, t -> t);
             TestNode unnamed = TestNode.start(2, b -> b.tls(ca.nodeWithSan(2, "dns:node2.example")))) {
            unnamed.send(node, new TimeoutNow(1, 1, 0));
            await().atMost(WAIT).until(() -> !unnamed.refusals.isEmpty());
            assertThat(unnamed.refusals.peek().message()).contains("no kommander:// URI");
            assertThat(node.received).isEmpty();
        }
    }

    @Test
    void aCertificateNamingTheRightEndpointButAnotherNodeIdIsRefused() {
        String endpoint = FreePorts.loopbackEndpoint();
        try (TestNode node = certifiedNode(1, t -> t);
             TestNode wrongId = TestNode.start(3, TestNode.CLUSTER, endpoint,
                     b -> b.tls(ca.nodeWithSan(3, "uri:kommander://" + endpoint + "/node/4")))) {
            wrongId.send(node, new TimeoutNow(1, 1, 0));
            await().atMost(WAIT).until(() -> node.metrics().closed(CloseReason.AUTHENTICATION_FAILED) >= 1);
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
