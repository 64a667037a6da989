package io.kommander.bench.system.ratis;

import io.kommander.bench.system.BenchSystem;
import io.kommander.bench.system.ClusterShape;
import io.kommander.bench.system.FreePorts;
import io.kommander.bench.system.NodeLedger;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Apache Ratis as a {@link BenchSystem}: one {@link RaftServer} per node hosting one group (division) per
 * partition, each with its segmented log; writes go through one async {@link RaftClient} per group, which finds the
 * leader itself. The log is synced on every flush: {@code raft.server.log.unsafe-flush.enabled=false} and
 * {@code raft.server.log.async-flush.enabled=false} (the leader counts itself only once its log is flushed).
 *
 * <p>Thread-safe for writes; lifecycle calls come from one thread.
 */
public final class RatisSystem implements BenchSystem {

    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long GROUP_ID_HIGH = 0x4B42454E43480000L;
    private static final TimeDuration ELECTION_TIMEOUT_MIN = TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS);
    private static final TimeDuration ELECTION_TIMEOUT_MAX = TimeDuration.valueOf(2000, TimeUnit.MILLISECONDS);

    private final RatisTransport transport;
    private final List<RaftServer> servers = new ArrayList<>();
    /** clients.get(p): partition p's clients, one per bench client thread (Ratis orders each client's writes). */
    private final List<List<RaftClient>> clients = new ArrayList<>();
    private final AtomicInteger threads = new AtomicInteger();
    private final ThreadLocal<Integer> threadIndex = ThreadLocal.withInitial(threads::getAndIncrement);
    private final int clientsPerGroup;
    private final List<NodeLedger> ledgers = new ArrayList<>();
    private final List<RaftGroup> groups = new ArrayList<>();

    /**
     * A Ratis cluster on the given transport.
     *
     * @param clientsPerGroup RaftClients per group: the bench's client threads, so each thread has its own
     */
    public RatisSystem(RatisTransport transport, int clientsPerGroup) {
        this.transport = transport;
        this.clientsPerGroup = clientsPerGroup;
    }

    @Override
    public String name() {
        return "ratis";
    }

    @Override
    public void start(ClusterShape shape) throws IOException, TimeoutException {
        int[] ports = FreePorts.take(shape.nodes());
        List<RaftPeer> peers = new ArrayList<>();
        for (int i = 0; i < shape.nodes(); i++) {
            peers.add(RaftPeer.newBuilder().setId(peerId(i)).setAddress("127.0.0.1:" + ports[i]).build());
        }
        for (int p = 0; p < shape.partitions(); p++) {
            groups.add(RaftGroup.valueOf(RaftGroupId.valueOf(new UUID(GROUP_ID_HIGH, p)), peers));
        }
        for (int i = 0; i < shape.nodes(); i++) {
            NodeLedger ledger = new NodeLedger(shape.partitions());
            ledgers.add(ledger);
            RaftProperties properties = properties();
            RaftServerConfigKeys.setStorageDir(properties, List.of(shape.nodeDir(i).toFile()));
            transport.setPort(properties, ports[i]);
            RaftServer server = RaftServer.newBuilder()
                    .setServerId(RaftPeerId.valueOf(peerId(i)))
                    .setProperties(properties)
                    .setGroup(RaftGroup.emptyGroup())
                    .setStateMachineRegistry(groupId -> new RatisLedgerStateMachine(ledger, partitionOf(groupId)))
                    .build();
            server.start();
            servers.add(server);
        }
        for (RaftGroup group : groups) {
            addGroupToEveryServer(group, peers);
        }
        awaitLeaders();
        RaftProperties clientProperties = properties();
        for (RaftGroup group : groups) {
            // Start at the known leader, as the other systems do; the client follows NotLeader redirects after that.
            List<RaftClient> groupClients = new ArrayList<>();
            for (int c = 0; c < clientsPerGroup; c++) {
                groupClients.add(RaftClient.newBuilder().setProperties(clientProperties).setRaftGroup(group)
                        .setLeaderId(leaderOf(group.getGroupId())).build());
            }
            clients.add(groupClients);
        }
    }

    private static String peerId(int node) {
        return "n" + node;
    }

    private static int partitionOf(RaftGroupId groupId) {
        return (int) groupId.getUuid().getLeastSignificantBits();
    }

    private RaftProperties properties() {
        RaftProperties properties = new RaftProperties();
        RaftConfigKeys.Rpc.setType(properties, transport.rpcType());
        RaftServerConfigKeys.Log.setUnsafeFlushEnabled(properties, false);
        RaftServerConfigKeys.Log.setAsyncFlushEnabled(properties, false);
        // The same election timeout range as Kommander's default (Ratis defaults to 150..300 ms, SOFAJRaft to 1 s).
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, ELECTION_TIMEOUT_MIN);
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, ELECTION_TIMEOUT_MAX);
        return properties;
    }

    private void addGroupToEveryServer(RaftGroup group, List<RaftPeer> peers) throws IOException {
        try (RaftClient admin = RaftClient.newBuilder().setProperties(properties()).setRaftGroup(group).build()) {
            for (RaftPeer peer : peers) {
                admin.getGroupManagementApi(peer.getId()).add(group);
            }
        }
    }

    private void awaitLeaders() throws IOException, TimeoutException {
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        for (RaftGroup group : groups) {
            while (!hasLeader(group.getGroupId())) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("Ratis group " + group.getGroupId() + " elected no leader in time");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
    }

    private boolean hasLeader(RaftGroupId groupId) throws IOException {
        return leaderOf(groupId) != null;
    }

    private RaftPeerId leaderOf(RaftGroupId groupId) throws IOException {
        for (RaftServer server : servers) {
            if (server.getDivision(groupId).getInfo().isLeaderReady()) {
                return server.getId();
            }
        }
        return null;
    }

    @Override
    public CompletableFuture<Void> write(int partition, byte[] payload) {
        List<RaftClient> groupClients = clients.get(partition);
        return groupClients.get(threadIndex.get() % groupClients.size()).async().send(Message.valueOf(ByteString.copyFrom(payload)))
                .thenAccept(reply -> {
                    if (!reply.isSuccess()) {
                        throw new IllegalStateException("Ratis write failed: " + reply.getException());
                    }
                });
    }

    @Override
    public List<NodeLedger> ledgers() {
        return ledgers;
    }

    @Override
    public String configuration() {
        RaftProperties properties = properties();
        return "ratis: ratis-server 3.1.3, transport " + transport.cliName() + ", one RaftServer per node, one "
                + "division per partition, SegmentedRaftLog, " + clientsPerGroup
                + " async RaftClients per group (one per bench client)\n  "
                + RaftServerConfigKeys.Log.UNSAFE_FLUSH_ENABLED_KEY + "="
                + RaftServerConfigKeys.Log.unsafeFlushEnabled(properties) + " "
                + RaftServerConfigKeys.Log.ASYNC_FLUSH_ENABLED_KEY + "="
                + RaftServerConfigKeys.Log.asyncFlushEnabled(properties) + " "
                + RaftServerConfigKeys.Log.FORCE_SYNC_NUM_KEY + "=" + RaftServerConfigKeys.Log.forceSyncNum(properties)
                + " " + RaftServerConfigKeys.Log.SEGMENT_SIZE_MAX_KEY + "="
                + RaftServerConfigKeys.Log.segmentSizeMax(properties) + " " + RaftServerConfigKeys.Rpc.TIMEOUT_MIN_KEY
                + "=" + RaftServerConfigKeys.Rpc.timeoutMin(properties) + " " + RaftServerConfigKeys.Rpc.TIMEOUT_MAX_KEY
                + "=" + RaftServerConfigKeys.Rpc.timeoutMax(properties)
                + "\n  durability: an entry is acknowledged once a quorum has flushed (fsync) it";
    }

    @Override
    public void close() {
        clients.forEach(group -> group.forEach(RatisSystem::closeOrFail));
        clients.clear();
        servers.forEach(RatisSystem::closeOrFail);
        servers.clear();
    }

    private static void closeOrFail(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing " + closeable + " failed", e);
        }
    }
}
