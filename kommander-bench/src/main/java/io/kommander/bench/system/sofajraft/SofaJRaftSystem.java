package io.kommander.bench.system.sofajraft;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.Task;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import io.kommander.bench.system.BenchSystem;
import io.kommander.bench.system.ClusterShape;
import io.kommander.bench.system.FreePorts;
import io.kommander.bench.system.NodeLedger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * SOFAJRaft (jraft-core) as a {@link BenchSystem}, used through its public API as its multi-raft guide describes:
 * per node one shared RPC server (its default, Bolt) and one {@link RaftGroupService} per partition, each group
 * with its own RocksDB log storage ({@code RaftOptions.sync=true}: every log append is synced before it counts).
 *
 * <p>Writes are {@link Node#apply} on the group's leader; the closure completes once the entry is committed and
 * applied on the leader. Thread-safe for writes; lifecycle calls come from one thread.
 */
public final class SofaJRaftSystem implements BenchSystem {

    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final List<RpcServer> rpcServers = new ArrayList<>();
    private final List<RaftGroupService> services = new ArrayList<>();
    private final List<NodeLedger> ledgers = new ArrayList<>();
    /** groups[p][i]: partition p's node on replica i. */
    private Node[][] groups;
    private volatile int[] leaderHint;

    @Override
    public String name() {
        return "sofajraft";
    }

    @Override
    public void start(ClusterShape shape) throws IOException, TimeoutException {
        int[] ports = FreePorts.take(shape.nodes());
        Configuration initial = new Configuration();
        for (int port : ports) {
            initial.addPeer(new PeerId("127.0.0.1", port));
        }
        groups = new Node[shape.partitions()][shape.nodes()];
        leaderHint = new int[shape.partitions()];
        for (int i = 0; i < shape.nodes(); i++) {
            NodeLedger ledger = new NodeLedger(shape.partitions());
            ledgers.add(ledger);
            Endpoint endpoint = new Endpoint("127.0.0.1", ports[i]);
            RpcServer rpcServer = RaftRpcServerFactory.createRaftRpcServer(endpoint);
            rpcServers.add(rpcServer);
            for (int p = 0; p < shape.partitions(); p++) {
                Path groupDir = Files.createDirectories(shape.nodeDir(i).resolve("group-" + p));
                String dir = groupDir.toString();
                NodeOptions options = nodeOptions(initial, dir, new LedgerStateMachine(ledger, p));
                RaftGroupService service = new RaftGroupService(groupId(p), new PeerId(endpoint, 0), options,
                        rpcServer, true);
                services.add(service);
                groups[p][i] = service.start(false);
            }
            if (!rpcServer.init(null)) {
                throw new IllegalStateException("SOFAJRaft RPC server did not start on " + endpoint);
            }
        }
        awaitLeaders();
    }

    private static String groupId(int partition) {
        return "bench-" + partition;
    }

    static NodeOptions nodeOptions(Configuration initial, String dir, LedgerStateMachine fsm) {
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
        RaftOptions raft = new RaftOptions();
        raft.setSync(true);
        raft.setSyncMeta(true);
        options.setRaftOptions(raft);
        return options;
    }

    private void awaitLeaders() throws TimeoutException {
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        for (int p = 0; p < groups.length; p++) {
            while (findLeader(p) < 0) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("SOFAJRaft group " + p + " elected no leader in time");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
    }

    private int findLeader(int partition) {
        Node[] replicas = groups[partition];
        int hint = leaderHint[partition];
        if (replicas[hint].isLeader()) {
            return hint;
        }
        for (int i = 0; i < replicas.length; i++) {
            if (replicas[i].isLeader()) {
                leaderHint[partition] = i;
                return i;
            }
        }
        return -1;
    }

    @Override
    public CompletableFuture<Void> write(int partition, byte[] payload) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        int leader = findLeader(partition);
        if (leader < 0) {
            done.completeExceptionally(new IllegalStateException("SOFAJRaft group " + partition + " has no leader"));
            return done;
        }
        groups[partition][leader].apply(new Task(ByteBuffer.wrap(payload), status -> {
            if (status.isOk()) {
                done.complete(null);
            } else {
                done.completeExceptionally(new IllegalStateException("SOFAJRaft apply failed: " + status));
            }
        }));
        return done;
    }

    @Override
    public List<NodeLedger> ledgers() {
        return ledgers;
    }

    @Override
    public String configuration() {
        RaftOptions raft = new RaftOptions();
        raft.setSync(true);
        raft.setSyncMeta(true);
        return "sofajraft: jraft-core 1.3.14, one RaftGroupService per partition per node, shared Bolt RPC server "
                + "per node, RocksDBLogStorage per group, shared timers\n  RaftOptions: sync=" + raft.isSync()
                + " syncMeta=" + raft.isSyncMeta() + " replicatorPipeline=" + raft.isReplicatorPipeline()
                + " maxReplicatorInflightMsgs=" + raft.getMaxReplicatorInflightMsgs() + " applyBatch="
                + raft.getApplyBatch() + " maxAppendBufferSize=" + raft.getMaxAppendBufferSize()
                + "\n  durability: an entry is acknowledged once a quorum has synced it (RocksDB WriteOptions.sync)";
    }

    @Override
    public void close() {
        services.forEach(RaftGroupService::shutdown);
        try {
            for (RaftGroupService service : services) {
                service.join(); // shutdown is asynchronous: wait until the group's log storage is closed
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        services.clear();
        rpcServers.forEach(RpcServer::shutdown);
        rpcServers.clear();
    }
}
