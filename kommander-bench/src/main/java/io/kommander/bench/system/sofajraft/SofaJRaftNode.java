package io.kommander.bench.system.sofajraft;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.Task;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import io.kommander.bench.node.BenchNode;
import io.kommander.bench.node.NodeSpec;
import io.kommander.bench.node.WriteOutcome;
import io.kommander.bench.system.BoundedStop;
import io.kommander.bench.system.NodeLedger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One SOFAJRaft (jraft-core) replica as a {@link BenchNode}, used through its public API as its multi-raft guide
 * describes: one shared RPC server (its default, Bolt) and one {@link RaftGroupService} per partition, each group
 * with its own RocksDB log storage ({@code RaftOptions.sync=true}: every log append is synced before it counts).
 *
 * <p>A write is {@link Node#apply} on this node's member of the group; the closure completes once the entry is
 * committed and applied here. {@code EPERM} (not the leader) and the statuses of a moving leadership become
 * {@link WriteOutcome.NotLeader} with the leader SOFAJRaft names. Thread-safe for writes.
 */
public final class SofaJRaftNode implements BenchNode {

    private static final Set<RaftError> RETRYABLE = EnumSet.of(RaftError.EPERM, RaftError.EBUSY, RaftError.EAGAIN,
            RaftError.ELEADERREMOVED, RaftError.ESTOP, RaftError.ENEWLEADER);

    /** How long {@link #close} waits for this node's groups to stop. */
    private static final Duration STOP_BOUND = Duration.ofSeconds(30);

    private final NodeSpec spec;
    private final RpcServer rpcServer;
    private final List<RaftGroupService> services = new ArrayList<>();
    private final NodeLedger ledger;
    /** groups[p]: this node's member of partition p's group. */
    private final Node[] groups;

    /**
     * Starts node {@code spec.index()}: its RPC server and one group member per partition.
     *
     * @throws IOException if a group's folder cannot be made
     */
    public SofaJRaftNode(NodeSpec spec) throws IOException {
        this.spec = spec;
        this.ledger = new NodeLedger(spec.partitions());
        this.groups = new Node[spec.partitions()];
        Configuration initial = new Configuration();
        for (int port : spec.ports()) {
            initial.addPeer(new PeerId("127.0.0.1", port));
        }
        Endpoint endpoint = new Endpoint("127.0.0.1", spec.port());
        this.rpcServer = RaftRpcServerFactory.createRaftRpcServer(endpoint);
        for (int p = 0; p < spec.partitions(); p++) {
            Path groupDir = Files.createDirectories(spec.nodeDir().resolve("group-" + p));
            NodeOptions options = nodeOptions(initial, groupDir.toString(), new LedgerStateMachine(ledger, p));
            RaftGroupService service = new RaftGroupService(groupId(p), new PeerId(endpoint, 0), options, rpcServer,
                    true);
            services.add(service);
            groups[p] = service.start(false);
        }
        if (!rpcServer.init(null)) {
            throw new IllegalStateException("SOFAJRaft RPC server did not start on " + endpoint);
        }
    }

    private static String groupId(int partition) {
        return "bench-" + partition;
    }

    private static NodeOptions nodeOptions(Configuration initial, String dir, LedgerStateMachine fsm) {
        NodeOptions options = new NodeOptions();
        options.setInitialConf(initial.copy());
        options.setFsm(fsm);
        options.setLogUri(dir + "/log");
        options.setRaftMetaUri(dir + "/meta");
        options.setDisableCli(true);
        // The multi-raft settings SOFAJRaft recommends: timers shared by all groups of a process.
        options.setSharedElectionTimer(true);
        options.setSharedVoteTimer(true);
        options.setSharedStepDownTimer(true);
        options.setSharedSnapshotTimer(true);
        options.setRaftOptions(raftOptions());
        return options;
    }

    private static RaftOptions raftOptions() {
        RaftOptions raft = new RaftOptions();
        raft.setSync(true);
        raft.setSyncMeta(true);
        return raft;
    }

    @Override
    public CompletableFuture<WriteOutcome> write(int partition, byte[] payload) {
        CompletableFuture<WriteOutcome> done = new CompletableFuture<>();
        Node group = groups[partition];
        group.apply(new Task(ByteBuffer.wrap(payload), status -> done.complete(outcome(group, status))));
        return done;
    }

    private WriteOutcome outcome(Node group, Status status) {
        if (status.isOk()) {
            return WriteOutcome.ACKNOWLEDGED;
        }
        RaftError error = status.getRaftError();
        if (error != null && RETRYABLE.contains(error)) {
            PeerId leader = group.getLeaderId();
            return new WriteOutcome.NotLeader(leader == null ? -1 : spec.indexOfPort(leader.getPort()),
                    status.toString());
        }
        return new WriteOutcome.Failed("SOFAJRaft apply failed: " + status);
    }

    @Override
    public boolean isLeader(int partition) {
        return groups[partition].isLeader();
    }

    @Override
    public NodeLedger ledger() {
        return ledger;
    }

    @Override
    public String configuration() {
        RaftOptions raft = raftOptions();
        return "sofajraft: jraft-core 1.3.14, one RaftGroupService per partition per node, shared Bolt RPC server "
                + "per node, RocksDBLogStorage per group, shared timers\n  RaftOptions: sync=" + raft.isSync()
                + " syncMeta=" + raft.isSyncMeta() + " replicatorPipeline=" + raft.isReplicatorPipeline()
                + " maxReplicatorInflightMsgs=" + raft.getMaxReplicatorInflightMsgs() + " applyBatch="
                + raft.getApplyBatch() + " maxAppendBufferSize=" + raft.getMaxAppendBufferSize()
                + "\n  durability: an entry is acknowledged once a quorum has synced it (RocksDB WriteOptions.sync)";
    }

    /**
     * Stops every group and waits (bounded by {@link #STOP_BOUND}, see {@link BoundedStop}) until they have stopped,
     * then stops the RPC server.
     */
    @Override
    public void close() {
        List<RaftGroupService> stopping = List.copyOf(services);
        BoundedStop.run("sofajraft-stop-node-" + spec.index(), STOP_BOUND, () -> stopGroups(stopping));
        services.clear();
        rpcServer.shutdown();
    }

    /** Shuts every group down, then waits until each one's log storage is closed (shutdown is asynchronous). */
    private static void stopGroups(List<RaftGroupService> stopping) {
        stopping.forEach(RaftGroupService::shutdown);
        try {
            for (RaftGroupService service : stopping) {
                service.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
