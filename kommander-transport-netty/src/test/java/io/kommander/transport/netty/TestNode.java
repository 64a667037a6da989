package io.kommander.transport.netty;

import io.kommander.transport.MessageBatch;
import io.kommander.transport.NodeIdentity;
import io.kommander.transport.PeerRefusal;
import io.kommander.transport.RaftMessage;
import io.kommander.transport.TransportBinding;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;

/**
 * A started {@link NettyTransport} on a free loopback port that records every batch it receives and every refusal
 * reported to it. Settings are short so tests run fast: 20..200 ms back-off, 3 s handshake timeout, one I/O thread,
 * a thread prefix of its own. Every test node presents the same member list and partition count, so two of them
 * agree unless a test says otherwise; peers authenticate with {@link #SECRETS} unless the settings choose another
 * mode.
 */
final class TestNode implements AutoCloseable {

    static final String CLUSTER = "test-cluster";
    /** The member list every test node presents: one member, under this digest. */
    static final String MEMBERS_DIGEST = "0123456789abcdef";

    /** The shared secrets of the test cluster. */
    static final SharedSecrets SECRETS = SharedSecrets.of("test-cluster-secret-0123456789ab".getBytes(
            java.nio.charset.StandardCharsets.US_ASCII));

    final String endpoint;
    final String threadPrefix;
    final NettyTransport transport;
    final Queue<MessageBatch> received = new ConcurrentLinkedQueue<>();
    final Queue<PeerRefusal> refusals = new ConcurrentLinkedQueue<>();
    /** The identities of the peers accepted, as each presented it at a handshake. */
    final Queue<NodeIdentity> peers = new ConcurrentLinkedQueue<>();
    /** Whether this node presents itself as holding log entries, from its next handshake on. */
    volatile boolean holdsEntries;

    private TestNode(String endpoint, String threadPrefix, NettyTransport transport) {
        this.endpoint = endpoint;
        this.threadPrefix = threadPrefix;
        this.transport = transport;
    }

    static TestNode start(int nodeId) {
        return start(nodeId, CLUSTER, FreePorts.loopbackEndpoint(), b -> b);
    }

    static TestNode start(int nodeId, UnaryOperator<NettyTransport.Builder> settings) {
        return start(nodeId, CLUSTER, FreePorts.loopbackEndpoint(), settings);
    }

    static TestNode start(int nodeId, String clusterId, String endpoint, UnaryOperator<NettyTransport.Builder> settings) {
        return start(identity(nodeId, clusterId, endpoint), settings);
    }

    /** A node that presents {@code identity} and listens on its endpoint (or the bind host the settings give). */
    static TestNode start(NodeIdentity identity, UnaryOperator<NettyTransport.Builder> settings) {
        String endpoint = identity.endpoint();
        String prefix = "kt-node" + identity.nodeId() + "-" + endpoint.substring(endpoint.indexOf(':') + 1);
        NettyTransport.Builder builder = settings.apply(NettyTransport.builder()
                .ioThreads(1)
                .threadNamePrefix(prefix)
                .handshakeTimeout(Duration.ofSeconds(3))
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)));
        NettyTransport transport = (builder.authenticationChosen() ? builder : builder.sharedSecret(SECRETS)).build();
        TestNode node = new TestNode(endpoint, prefix, transport);
        // Incarnation: the node id plus 1000, so that a test can tell whose it is.
        transport.start(new TransportBinding(() -> identity.withState(1000 + identity.nodeId(), node.holdsEntries),
                node.received::add, node.refusals::add, node.peers::add));
        return node;
    }

    /** The identity of a test node: the shared member list and partition count, its own id and endpoint. */
    static NodeIdentity identity(int nodeId, String clusterId, String endpoint) {
        return new NodeIdentity(clusterId, nodeId, endpoint, 1, MEMBERS_DIGEST, 1);
    }

    /** The identity of a test node of the test cluster. */
    static NodeIdentity identity(int nodeId, String endpoint) {
        return identity(nodeId, CLUSTER, endpoint);
    }

    void send(TestNode to, RaftMessage... messages) {
        transport.send(to.endpoint, new MessageBatch(endpoint, List.of(messages)));
    }

    List<RaftMessage> receivedMessages() {
        return received.stream().flatMap(b -> b.messages().stream()).toList();
    }

    TransportMetrics metrics() {
        return transport.metrics();
    }

    @Override
    public void close() {
        transport.close();
    }
}
