package io.kommander.internal.node;

import io.kommander.internal.partition.QuiescedPartitions;
import io.kommander.internal.transport.RaftTransportDispatcher;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.transport.RaftMessage.NodeHeartbeat;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Node-level liveness (CockroachDB's coalesced heartbeats): one {@link NodeHeartbeat} to each peer per heartbeat
 * interval stands for the per-partition heartbeats of every quiesced partition. Any batch from a peer proves it
 * alive; a peer silent for an election timeout, or heard with a new boot id (it restarted), is suspected dead, and
 * the quiesced followers sleeping under it wake ({@link QuiescedPartitions#leaderNodeDown}) and elect.
 *
 * <p>Thread-safe: batches arrive on transport threads, ticks on the timer.
 */
final class NodeLiveness {

    private final IRaftRuntime runtime;
    private final RaftTransportDispatcher dispatcher;
    private final Supplier<Collection<String>> peers;
    private final QuiescedPartitions quiescence;
    private final long suspectAfterMillis;
    private final NodeHeartbeat heartbeat;
    private final Map<String, Long> lastHeard = new ConcurrentHashMap<>();
    private final Map<String, Long> bootIds = new ConcurrentHashMap<>();

    /**
     * @param peers              the peers to send heartbeats to, read at each tick
     * @param suspectAfterMillis how long a silent peer is still taken for alive: an election timeout
     * @param bootId             this process lifetime's id, new at every start of the node
     */
    NodeLiveness(IRaftRuntime runtime, RaftTransportDispatcher dispatcher, Supplier<Collection<String>> peers,
                 QuiescedPartitions quiescence, long suspectAfterMillis, long bootId) {
        this.runtime = runtime;
        this.dispatcher = dispatcher;
        this.peers = peers;
        this.quiescence = quiescence;
        this.suspectAfterMillis = suspectAfterMillis;
        this.heartbeat = new NodeHeartbeat(0, 0, bootId);
        quiescence.nodeLiveness(this::alive);
    }

    /** A batch came from {@code peer}: it is alive. */
    void heard(String peer) {
        lastHeard.put(peer, runtime.monotonicMillis());
    }

    /**
     * {@code peer}'s heartbeat: a boot id other than the last one means it restarted: it lost its leaderships, and
     * its replicas may need what sleeping leaders here would never send unasked (one that lost its data does not
     * even campaign).
     */
    void onHeartbeat(String peer, NodeHeartbeat beat) {
        Long before = bootIds.put(peer, beat.bootId());
        if (before != null && before != beat.bootId()) {
            quiescence.peerRestarted(peer);
        }
    }

    /** Whether {@code peer} was heard from within an election timeout. */
    boolean alive(String peer) {
        Long heard = lastHeard.get(peer);
        return heard != null && runtime.monotonicMillis() - heard < suspectAfterMillis;
    }

    /**
     * Every heartbeat interval: a heartbeat to each peer (even with quiescence off here: a peer's leaders may put
     * partitions to sleep, and peers learn of this node's restarts from them), and the sleepers under silent peers
     * woken.
     */
    void tick() {
        for (String peer : peers.get()) {
            dispatcher.send(peer, heartbeat);
        }
        for (String leader : quiescence.sleepingUnder()) {
            if (!alive(leader)) {
                quiescence.leaderNodeDown(leader);
            }
        }
    }
}
