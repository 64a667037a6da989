package io.kommander.bench.system.ratis;

import io.kommander.bench.node.BenchNode;
import io.kommander.bench.node.NodeSpec;
import io.kommander.bench.node.WriteOutcome;
import io.kommander.bench.system.BoundedStop;
import io.kommander.bench.system.NodeLedger;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Apache Ratis replica as a {@link BenchNode}: a {@link RaftServer} hosting one group (division) per
 * partition, each with its segmented log. A write is submitted to this server's division through the server-side
 * entry point every Ratis client request ends at ({@link RaftServer#submitClientRequestAsync}, a write request),
 * the analogue of SOFAJRaft's {@code Node.apply}; the reply comes once the entry is committed and applied here.
 * A {@link NotLeaderException} or a leader that is not ready yet becomes {@link WriteOutcome.NotLeader} with the
 * suggested leader. No {@code RaftClient} sits in between, so the figures are the server's, not a client's
 * ordering window or retry policy.
 *
 * <p>The log is synced on every flush: {@code raft.server.log.unsafe-flush.enabled=false} and
 * {@code raft.server.log.async-flush.enabled=false} (the leader counts itself only once its log is flushed).
 * Thread-safe for writes.
 */
public final class RatisNode implements BenchNode {

    private static final long GROUP_ID_HIGH = 0x4B42454E43480000L;
    /** How long {@link #close} waits for the server to close. */
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(30);
    private static final TimeDuration ELECTION_TIMEOUT_MIN = TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS);
    private static final TimeDuration ELECTION_TIMEOUT_MAX = TimeDuration.valueOf(2000, TimeUnit.MILLISECONDS);

    private final NodeSpec spec;
    private final RaftServer server;
    private final NodeLedger ledger;
    private final List<RaftGroupId> groups = new ArrayList<>();
    /** Every request of this node carries this client id and a fresh call id, as one client's requests would. */
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();

    /**
     * Starts node {@code spec.index()}: its server, then every partition's group on it.
     *
     * @throws IOException if the server or a group cannot start
     */
    public RatisNode(NodeSpec spec) throws IOException {
        this.spec = spec;
        this.ledger = new NodeLedger(spec.partitions());
        List<RaftPeer> peers = new ArrayList<>();
        for (int i = 0; i < spec.nodes(); i++) {
            peers.add(RaftPeer.newBuilder().setId(peerId(i)).setAddress(spec.endpoint(i)).build());
        }
        RaftProperties properties = properties(spec.ratisTransport());
        RaftServerConfigKeys.setStorageDir(properties, List.of(spec.nodeDir().toFile()));
        spec.ratisTransport().setPort(properties, spec.port());
        this.server = RaftServer.newBuilder()
                .setServerId(peerId(spec.index()))
                .setProperties(properties)
                .setGroup(RaftGroup.emptyGroup())
                .setStateMachineRegistry(groupId -> new RatisLedgerStateMachine(ledger, partitionOf(groupId)))
                .build();
        server.start();
        for (int p = 0; p < spec.partitions(); p++) {
            RaftGroup group = RaftGroup.valueOf(RaftGroupId.valueOf(new UUID(GROUP_ID_HIGH, p)), peers);
            RaftClientReply reply = server.groupManagement(GroupManagementRequest.newAdd(clientId, server.getId(),
                    callIds.incrementAndGet(), group));
            if (!reply.isSuccess()) {
                throw new IOException("Ratis could not add group " + p + ": " + reply.getException());
            }
            groups.add(group.getGroupId());
        }
    }

    private static RaftPeerId peerId(int node) {
        return RaftPeerId.valueOf("n" + node);
    }

    private static int partitionOf(RaftGroupId groupId) {
        return (int) groupId.getUuid().getLeastSignificantBits();
    }

    private static RaftProperties properties(RatisTransport transport) {
        RaftProperties properties = new RaftProperties();
        RaftConfigKeys.Rpc.setType(properties, transport.rpcType());
        RaftServerConfigKeys.Log.setUnsafeFlushEnabled(properties, false);
        RaftServerConfigKeys.Log.setAsyncFlushEnabled(properties, false);
        // The same election timeout range as Kommander's default (Ratis defaults to 150..300 ms, SOFAJRaft to 1 s).
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, ELECTION_TIMEOUT_MIN);
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, ELECTION_TIMEOUT_MAX);
        return properties;
    }

    @Override
    public CompletableFuture<WriteOutcome> write(int partition, byte[] payload) {
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(server.getId())
                .setGroupId(groups.get(partition))
                .setCallId(callIds.incrementAndGet())
                .setMessage(Message.valueOf(ByteString.copyFrom(payload)))
                .setType(RaftClientRequest.writeRequestType())
                .build();
        try {
            return server.submitClientRequestAsync(request).handle((reply, error) -> error == null
                    ? outcome(reply) : failure(error));
        } catch (IOException e) {
            return CompletableFuture.completedFuture(failure(e));
        }
    }

    private WriteOutcome outcome(RaftClientReply reply) {
        if (reply.isSuccess()) {
            return WriteOutcome.ACKNOWLEDGED;
        }
        NotLeaderException notLeader = reply.getNotLeaderException();
        if (notLeader != null) {
            return notLeader(notLeader);
        }
        if (reply.getLeaderNotReadyException() != null || reply.getLeaderSteppingDownException() != null) {
            return new WriteOutcome.NotLeader(spec.index(), String.valueOf(reply.getException()));
        }
        return new WriteOutcome.Failed("Ratis write failed: " + reply.getException());
    }

    private WriteOutcome failure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof NotLeaderException notLeader) {
            return notLeader(notLeader);
        }
        return new WriteOutcome.Failed("Ratis write failed: " + cause);
    }

    private WriteOutcome notLeader(NotLeaderException e) {
        RaftPeer suggested = e.getSuggestedLeader();
        int hint = suggested == null ? -1 : indexOf(suggested.getId());
        return new WriteOutcome.NotLeader(hint, e.getMessage());
    }

    private int indexOf(RaftPeerId id) {
        for (int i = 0; i < spec.nodes(); i++) {
            if (peerId(i).equals(id)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean isLeader(int partition) {
        try {
            return server.getDivision(groups.get(partition)).getInfo().isLeaderReady();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public NodeLedger ledger() {
        return ledger;
    }

    @Override
    public String configuration() {
        RaftProperties properties = properties(spec.ratisTransport());
        return "ratis: ratis-server 3.1.3, transport " + spec.ratisTransport().cliName() + ", one RaftServer per "
                + "node, one division per partition, SegmentedRaftLog, writes submitted to the leader's division "
                + "(RaftServer.submitClientRequestAsync, no RaftClient)\n  "
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

    /** Closes the server, waiting for it at most {@link #CLOSE_BOUND} (see {@link BoundedStop}). */
    @Override
    public void close() {
        BoundedStop.run("ratis-close-" + server.getId(), CLOSE_BOUND, () -> {
            try {
                server.close();
            } catch (IOException e) {
                throw new IllegalStateException("closing Ratis server " + server.getId() + " failed", e);
            }
        });
    }
}
