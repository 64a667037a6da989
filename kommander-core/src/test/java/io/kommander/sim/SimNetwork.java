package io.kommander.sim;

import io.kommander.internal.partition.RaftPartitionStateMachine;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.RaftMessage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The simulated network between the nodes of one run: every batch is a delivery event on the receiving node after
 * a random delay (so batches reorder), and may be dropped or duplicated; directed links can be cut to make
 * symmetric or asymmetric partitions, and healed. Every batch sent is shown to the {@link SafetyMonitor} first,
 * since what leaders send reveals their logs.
 *
 * <p>Not thread-safe: one run, one thread.
 */
final class SimNetwork {

    /** How lossy and slow the links are. Probabilities are per batch. */
    /**
     * @param corrupt the probability that a batch arrives with one message's term (or an acknowledged index) replaced
     *                by a value no correct peer sends: past {@link RaftPartitionStateMachine#MAX_TERM_LEAD} ahead, or
     *                {@code Long.MAX_VALUE}
     */
    record Conditions(double drop, double duplicate, int minDelay, int maxDelay, double corrupt) {
        static final Conditions RELIABLE = new Conditions(0, 0, 1, 3);

        /** Conditions without corruption. */
        Conditions(double drop, double duplicate, int minDelay, int maxDelay) {
            this(drop, duplicate, minDelay, maxDelay, 0);
        }
    }

    /** In a lossy network, the chance that a batch carrying a snapshot chunk arrives with one bit of it flipped. */
    private static final double CHUNK_FLIP = 0.1;

    private final SimScheduler scheduler;
    private final SimTrace trace;
    private final SafetyMonitor monitor;
    private final List<String> endpoints;
    private final Map<Integer, SimTransport> handlers = new HashMap<>();
    private final Set<Long> cut = new HashSet<>();
    /** A snapshot chunk sent: by whom, to whom, of which snapshot (boundary index), from which offset. */
    record Chunk(int from, int to, long index, long offset) {
    }

    /** Every snapshot chunk sent, while recording ({@link #recordChunks}); null otherwise. */
    private List<Chunk> chunks;
    /** Per node: the partitions whose messages to and from it are lost (a replica cut off, its node not). */
    private final Map<Integer, Set<Integer>> muted = new HashMap<>();
    private Conditions conditions = Conditions.RELIABLE;
    private long delivered;
    private long dropped;
    private long corrupted;

    /**
     * @param endpoints node i's endpoint at index i
     */
    SimNetwork(SimScheduler scheduler, SimTrace trace, SafetyMonitor monitor, List<String> endpoints) {
        this.scheduler = scheduler;
        this.trace = trace;
        this.monitor = monitor;
        this.endpoints = List.copyOf(endpoints);
    }

    /** A transport for node {@code node}. */
    SimTransport transport(int node) {
        return new SimTransport(this, node);
    }

    void register(int node, SimTransport transport) {
        handlers.put(node, transport);
    }

    void unregister(int node) {
        handlers.remove(node);
    }

    /** Sets the drop, duplication and delay of every link. */
    void setConditions(Conditions conditions) {
        this.conditions = conditions;
    }

    /** Cuts the link {@code from -> to} (one way). */
    void cut(int from, int to) {
        cut.add(link(from, to));
    }

    /** Whether the link {@code from -> to} is cut. */
    boolean isCut(int from, int to) {
        return cut.contains(link(from, to));
    }

    /** Cuts every link between the two groups, both ways. */
    void partition(List<Integer> side, List<Integer> other) {
        for (int a : side) {
            for (int b : other) {
                cut(a, b);
                cut(b, a);
            }
        }
        trace.record(SimScheduler.NO_NODE, "partition", side.hashCode(), other.hashCode(), side + " | " + other);
    }

    /**
     * Loses every message of {@code partition} to and from {@code node}, and nothing else: that replica falls behind
     * while the node stays current on every other partition. Node-level liveness ({@code NodeHeartbeat}, sent as
     * partition 0's) still flows: it is the node's, not the partition's, so the node does not look dead.
     */
    void mute(int node, int partition) {
        muted.computeIfAbsent(node, n -> new HashSet<>()).add(partition);
        trace.record(SimScheduler.NO_NODE, "mute", node, partition, "partition " + partition + " on node " + node);
    }

    /** Ends {@link #mute}: messages of {@code partition} to and from {@code node} flow again. */
    void unmute(int node, int partition) {
        Set<Integer> partitions = muted.get(node);
        if (partitions != null && partitions.remove(partition)) {
            trace.record(SimScheduler.NO_NODE, "unmute", node, partition, "partition " + partition + " on node " + node);
        }
    }

    /** Records every snapshot chunk sent from now on (a scenario counts them). */
    void recordChunks() {
        chunks = new ArrayList<>();
    }

    /** The snapshot chunks sent since {@link #recordChunks}. */
    List<Chunk> chunks() {
        return chunks == null ? List.of() : List.copyOf(chunks);
    }

    /** Restores every link. */
    void heal() {
        cut.clear();
        muted.clear();
        trace.record(SimScheduler.NO_NODE, "heal", 0, 0, "all links restored");
    }

    /** Batches delivered so far. */
    long delivered() {
        return delivered;
    }

    /** Batches lost so far (drops, cuts, nodes down). */
    long dropped() {
        return dropped;
    }

    void send(int from, String toEndpoint, MessageBatch batch) {
        int to = endpoints.indexOf(toEndpoint);
        monitor.onSend(from, to, batch);
        if (chunks != null) {
            for (RaftMessage m : batch.messages()) {
                if (m instanceof RaftMessage.InstallSnapshot c) {
                    chunks.add(new Chunk(from, to, c.index(), c.offset()));
                }
            }
        }
        if (!muted.isEmpty()) {
            batch = withoutMuted(from, to, batch);
            if (batch == null) {
                return;
            }
        }
        trace.record(from, "send", to, batch.messages().size(), new Summary(to, batch), notable(batch));
        if (to < 0 || cut.contains(link(from, to)) || scheduler.random().nextDouble() < conditions.drop()) {
            dropped++;
            return;
        }
        if (conditions.corrupt() > 0 && scheduler.random().nextDouble() < conditions.corrupt()) {
            batch = corrupted(batch);
            corrupted++;
        }
        if (conditions.drop() > 0 && carriesChunk(batch) && scheduler.random().nextDouble() < CHUNK_FLIP) {
            batch = chunkFlipped(batch);
            corrupted++;
        }
        SimTransport sender = handlers.get(from);
        deliverLater(sender, to, batch);
        if (scheduler.random().nextDouble() < conditions.duplicate()) {
            deliverLater(sender, to, batch);
        }
    }

    /** Batches delivered with a corrupt field so far. */
    long corrupted() {
        return corrupted;
    }

    /** The batch with one message's term, or a success's match index, replaced by an implausible value. */
    private MessageBatch corrupted(MessageBatch batch) {
        List<RaftMessage> messages = new ArrayList<>(batch.messages());
        int i = scheduler.random().nextInt(messages.size());
        RaftMessage m = messages.get(i);
        // Twice the bound ahead: past it for any receiver, whose term in a run stays far below the bound.
        long term = scheduler.random().nextBoolean() ? Long.MAX_VALUE
                : m.term() + 2 * RaftPartitionStateMachine.MAX_TERM_LEAD + scheduler.random().nextLong(1L << 40);
        RaftMessage bad;
        if (m instanceof RaftMessage.AppendLogs a) {
            bad = new RaftMessage.AppendLogs(a.partition(), term, a.prevLogIndex(), a.prevLogTerm(), a.entries(),
                    a.leaderCommit(), a.round(), a.safeCompactIndex());
        } else if (m instanceof RaftMessage.AppendLogsResponse r) {
            bad = r.success() && scheduler.random().nextBoolean()
                    ? new RaftMessage.AppendLogsResponse(r.partition(), r.term(), true, Long.MAX_VALUE, r.round())
                    : new RaftMessage.AppendLogsResponse(r.partition(), term, r.success(), r.matchIndex(), r.round());
        } else if (m instanceof RaftMessage.RequestVote v) {
            bad = new RaftMessage.RequestVote(v.partition(), term, v.lastLogIndex(), v.lastLogTerm(), v.preVote(),
                    v.transfer());
        } else if (m instanceof RaftMessage.VoteResponse v) {
            bad = new RaftMessage.VoteResponse(v.partition(), term, v.granted(), v.preVote());
        } else if (m instanceof RaftMessage.TimeoutNow t) {
            bad = new RaftMessage.TimeoutNow(t.partition(), term, t.lastLogIndex());
        } else {
            return batch;
        }
        messages.set(i, bad);
        return new MessageBatch(batch.from(), messages);
    }

    /** The batch without the messages of partitions muted at either end; null if nothing is left. */
    private MessageBatch withoutMuted(int from, int to, MessageBatch batch) {
        Set<Integer> lost = new HashSet<>(muted.getOrDefault(from, Set.of()));
        lost.addAll(muted.getOrDefault(to, Set.of()));
        if (lost.isEmpty()) {
            return batch;
        }
        List<RaftMessage> kept = batch.messages().stream()
                .filter(m -> !lost.contains(m.partition()) || m instanceof RaftMessage.NodeHeartbeat).toList();
        if (kept.isEmpty()) {
            dropped++;
            return null;
        }
        return kept.size() == batch.messages().size() ? batch : new MessageBatch(batch.from(), kept);
    }

    private static boolean carriesChunk(MessageBatch batch) {
        return batch.messages().stream().anyMatch(m -> m instanceof RaftMessage.InstallSnapshot);
    }

    /** The batch with one bit of a snapshot chunk's data flipped (its checksums as sent): a corrupt link. */
    private MessageBatch chunkFlipped(MessageBatch batch) {
        List<RaftMessage> messages = new ArrayList<>(batch.messages());
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) instanceof RaftMessage.InstallSnapshot c) {
                byte[] data = c.data().clone();
                data[scheduler.random().nextInt(data.length)] ^= (byte) (1 << scheduler.random().nextInt(8));
                messages.set(i, new RaftMessage.InstallSnapshot(c.partition(), c.term(), c.index(), c.indexTerm(),
                        c.totalBytes(), c.wholeCrc(), c.offset(), data, c.chunkCrc()));
                break;
            }
        }
        return new MessageBatch(batch.from(), messages);
    }

    private void deliverLater(SimTransport sender, int to, MessageBatch batch) {
        int delay = conditions.minDelay() + scheduler.random().nextInt(conditions.maxDelay() - conditions.minDelay() + 1);
        scheduler.schedule(to, delay, () -> {
            SimTransport receiver = handlers.get(to);
            if (receiver == null) {
                dropped++;
                return;
            }
            handshake(sender, receiver);
            delivered++;
            receiver.binding().handler().onBatch(batch);
        });
    }

    /**
     * The first batch between two transports (two node lifetimes) is preceded by a handshake: each side learns the
     * identity the other presents at that moment. The simulator's members always agree, so nothing is refused.
     */
    private void handshake(SimTransport sender, SimTransport receiver) {
        if (sender != null && sender.reached(receiver)) {
            receiver.binding().peers().onPeerIdentified(sender.binding().identity());
            sender.binding().peers().onPeerIdentified(receiver.binding().identity());
        }
    }

    /** Whether a batch is more than heartbeats and their acknowledgements (those stay out of printed traces). */
    private static boolean notable(MessageBatch batch) {
        for (RaftMessage m : batch.messages()) {
            boolean routine = (m instanceof RaftMessage.AppendLogs a && a.entries().isEmpty())
                    || (m instanceof RaftMessage.AppendLogsResponse r && r.success());
            if (!routine) {
                return true;
            }
        }
        return false;
    }

    private static long link(int from, int to) {
        return ((long) from << 32) | to;
    }

    /** A batch as the trace shows it: "-> n2 [p1 AppendLogs t3 prev 4@3 +2 commit 5, ...]". */
    private record Summary(int to, MessageBatch batch) {
        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("-> n").append(to).append(" [");
            for (RaftMessage m : batch.messages()) {
                if (text.charAt(text.length() - 1) != '[') {
                    text.append(", ");
                }
                text.append('p').append(m.partition()).append(' ').append(describe(m));
            }
            return text.append(']').toString();
        }

        private static String describe(RaftMessage m) {
            if (m instanceof RaftMessage.AppendLogs a) {
                return "Append t" + a.term() + " prev " + a.prevLogIndex() + "@" + a.prevLogTerm() + " +"
                        + a.entries().size() + " commit " + a.leaderCommit();
            }
            if (m instanceof RaftMessage.AppendLogsResponse r) {
                return "AppendResp t" + r.term() + (r.success() ? " ok " : " no ") + r.matchIndex();
            }
            if (m instanceof RaftMessage.RequestVote v) {
                return (v.preVote() ? "PreVote t" : "Vote t") + v.term() + " last " + v.lastLogIndex() + "@"
                        + v.lastLogTerm();
            }
            if (m instanceof RaftMessage.VoteResponse v) {
                return (v.preVote() ? "PreVoteResp t" : "VoteResp t") + v.term() + (v.granted() ? " yes" : " no");
            }
            if (m instanceof RaftMessage.TimeoutNow t) {
                return "TimeoutNow t" + t.term() + " last " + t.lastLogIndex();
            }
            if (m instanceof RaftMessage.InstallSnapshot c) {
                return "Chunk t" + c.term() + " at " + c.index() + "@" + c.indexTerm() + " " + c.offset() + "+"
                        + c.data().length + "/" + c.totalBytes();
            }
            if (m instanceof RaftMessage.InstallSnapshotResponse r) {
                return "ChunkResp t" + r.term() + " at " + r.index() + (r.installed() ? " installed" : " held "
                        + r.heldBytes());
            }
            return m.toString();
        }
    }
}
