package io.kommander.sim;

import io.kommander.RaftLog;
import io.kommander.RaftLogType;
import io.kommander.time.HLCTimestamp;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.RaftMessage;
import io.kommander.wal.LogEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks Raft's safety properties as the run goes, from what the nodes send and deliver:
 * <ul>
 *   <li>election safety: at most one node sends AppendLogs for a (partition, term), since only leaders do;</li>
 *   <li>leadership transfer: a transfer answered Success leaves its target leader of the source's last term or a
 *       later one;</li>
 *   <li>log matching: two entries sent with the same (index, term) are the same entry;</li>
 *   <li>leader completeness: once a leader of term W announced index i committed, a leader of a later term
 *       sends, at i, only the committed entry;</li>
 *   <li>state-machine safety: no two nodes deliver (or restore) different entries at one index;</li>
 *   <li>delivery in index order, exactly once per node lifetime (restored or delivered), skipping no index
 *       another node delivered, from the lifetime's snapshot point on (its first entry included);</li>
 *   <li>onReplicationReceived at most once per entry over all of a node's lifetimes: what a node delivered before
 *       a crash is within its durable log (so it comes back through onLogRestored, never delivered again);</li>
 *   <li>a manual proposal's ticket is settled at most once, with the same outcome on every node: every commit or
 *       rollback delivered for a ticket is the entry at one index.</li>
 *   <li>every client operation is applied at most once: no two indices deliver the same command, though an
 *       idempotent client retries a write with the same request id and payload until it is acknowledged;</li>
 *   <li>a snapshot install (from a leader, or at a restore) leaves the application with exactly the committed
 *       prefix up to the snapshot's boundary, and deliveries continue after it.</li>
 * </ul>
 * The first violation is kept (the run stops there); later ones are ignored.
 *
 * <p>Not thread-safe: one run, one thread.
 */
final class SafetyMonitor {

    private record EntryKey(int partition, long index, long term) {
    }

    private record NodePartition(int node, int partition) {
    }

    /** The votes granted to a candidate for a partition in a term. */
    private record Ballot(int partition, long term, int candidate) {
    }

    /** A ticket's settlement: the index and kind of its commit or rollback entry, and when it was first delivered. */
    record Settlement(long index, RaftLogType kind, long firstDeliveredAt) {
    }

    private final SimTrace trace;
    /** Per partition: the node that sent AppendLogs in each term (its leader). */
    private final Map<Integer, TreeMap<Long, Integer>> leaders = new HashMap<>();
    /** Per partition: the highest term of any AppendLogs sent. */
    private final Map<Integer, Long> highestTerms = new HashMap<>();
    /** The highest terms when the leaders were frozen, or null. */
    private Map<Integer, Long> frozenTerms;
    private final Map<EntryKey, LogEntry> sent = new HashMap<>();
    /** Who granted each candidate its vote, per partition and term (pre-votes aside). */
    private final Map<Ballot, Set<Integer>> votes = new HashMap<>();
    /** Per partition: the highest commit index announced by a leader of each term. */
    private final Map<Integer, TreeMap<Long, Long>> announcedCommits = new HashMap<>();
    /** Per partition: the index each client operation (command) was first applied at. */
    private final Map<Integer, Map<Long, Long>> appliedOperations = new HashMap<>();
    /** Per partition: the committed entries, as first delivered by any node. */
    private final Map<Integer, TreeMap<Long, RaftLog>> committed = new HashMap<>();
    /** The last index each node delivered through onReplicationReceived, over all its lifetimes. */
    private final Map<NodePartition, Long> lastDelivered = new HashMap<>();
    private final Map<NodePartition, Long> lastInRestore = new HashMap<>();
    /** Per partition: the tickets of committed manual proposals, in the order first delivered. */
    private final Map<Integer, Set<HLCTimestamp>> proposed = new HashMap<>();
    /** Per partition: each settled ticket's settlement, as first delivered. */
    private final Map<Integer, Map<HLCTimestamp, Settlement>> settlements = new HashMap<>();
    private String violation;
    private final WipeMonitor wipes = new WipeMonitor(this);
    /** Snapshots installed from a leader, over every node. */
    private int installs;

    SafetyMonitor(SimTrace trace) {
        this.trace = trace;
    }

    /** The checks of wiped replicas' elections. */
    WipeMonitor wipes() {
        return wipes;
    }

    /** The first violation found, or null. */
    String violation() {
        return violation;
    }

    /** Whether a violation was found. */
    boolean failed() {
        return violation != null;
    }

    /** The committed entries of a partition, by index (barrier entries, never delivered, are absent). */
    TreeMap<Long, RaftLog> committed(int partition) {
        return committed.computeIfAbsent(partition, p -> new TreeMap<>());
    }

    /** The settlements of a partition's tickets, as first delivered. */
    Map<HLCTimestamp, Settlement> settlements(int partition) {
        return settlements.computeIfAbsent(partition, p -> new HashMap<>());
    }

    /** The tickets of a partition's committed manual proposals. */
    Set<HLCTimestamp> proposed(int partition) {
        return proposed.computeIfAbsent(partition, p -> new LinkedHashSet<>());
    }

    /** Committed manual proposals not settled yet, as "p/ticket" (empty once every proposal is settled). */
    List<String> unsettledProposals() {
        List<String> open = new ArrayList<>();
        proposed.forEach((p, tickets) -> tickets.stream().filter(t -> !settlements(p).containsKey(t))
                .forEach(t -> open.add(p + "/" + t)));
        return open;
    }

    /**
     * Whether a delivered entry settles a manual proposal: a rollback, or a commit entry (Committed with no data;
     * every other Committed entry of the simulator carries a command).
     */
    static boolean isSettlement(RaftLog log) {
        return log.kind() == RaftLogType.RolledBack || (log.kind() == RaftLogType.Committed && log.data().length == 0);
    }

    /** Records a violation found by a check outside this monitor (the end-of-run checks). */
    void fail(String what) {
        if (violation == null) {
            violation = what;
            trace.record(SimScheduler.NO_NODE, "VIOLATION", 0, 0, what);
        }
    }

    // ---------------------------------------------------------------- what leaders send

    /** A batch node {@code from} sends to node {@code to} (-1: an endpoint no node has). */
    void onSend(int from, int to, MessageBatch batch) {
        for (RaftMessage message : batch.messages()) {
            if (message instanceof RaftMessage.AppendLogs append) {
                onAppend(from, append);
            }
            if (message instanceof RaftMessage.VoteResponse vote && vote.granted() && !vote.preVote()) {
                votes.computeIfAbsent(new Ballot(vote.partition(), vote.term(), to), k -> new HashSet<>()).add(from);
            }
            wipes.onSend(from, message);
        }
    }

    /**
     * The nodes that granted {@code candidate} their vote for a partition in a term (sent it, whether or not it
     * arrived): a leader of that term counted at most these.
     */
    Set<Integer> votesFor(int partition, long term, int candidate) {
        return votes.getOrDefault(new Ballot(partition, term, candidate), Set.of());
    }

    /** The highest term of any AppendLogs sent for a partition so far, or 0. */
    long highestTerm(int partition) {
        return highestTerms.getOrDefault(partition, 0L);
    }

    private void onAppend(int from, RaftMessage.AppendLogs append) {
        int p = append.partition();
        long term = append.term();
        Integer leader = leaders.computeIfAbsent(p, k -> new TreeMap<>()).putIfAbsent(term, from);
        if (leader != null && leader != from) {
            fail("election safety: partition " + p + " term " + term + " has two leaders, n" + leader + " and n"
                    + from);
        }
        highestTerms.merge(p, term, Math::max);
        if (frozenTerms != null && term > frozenTerms.getOrDefault(p, Long.MAX_VALUE)) {
            fail("stable leaders: in a quiet cluster partition " + p + " got a leader of term " + term + " (n" + from
                    + ") after its leader of term " + frozenTerms.get(p));
        }
        TreeMap<Long, Long> announced = announcedCommits.computeIfAbsent(p, k -> new TreeMap<>());
        long committedBefore = 0;
        for (long c : announced.headMap(term, false).values()) {
            committedBefore = Math.max(committedBefore, c);
        }
        checkCompleteness(from, p, term, append.prevLogIndex(), append.prevLogTerm(), committedBefore);
        for (LogEntry entry : append.entries()) {
            LogEntry earlier = sent.putIfAbsent(new EntryKey(p, entry.index(), entry.term()), entry);
            if (earlier != null && !earlier.equals(entry)) {
                fail("log matching: partition " + p + " has two different entries at " + entry.index() + "@"
                        + entry.term() + ": " + earlier + " and " + entry);
            }
            checkCompleteness(from, p, term, entry.index(), entry.term(), committedBefore);
        }
        announced.merge(term, append.leaderCommit(), Math::max);
    }

    private void checkCompleteness(int from, int p, long term, long index, long entryTerm, long committedBefore) {
        if (index == 0 || index > committedBefore) {
            return;
        }
        RaftLog known = committed(p).get(index);
        if (known != null && known.term() != entryTerm) {
            fail("leader completeness: n" + from + ", leader of partition " + p + " term " + term + ", has " + index
                    + "@" + entryTerm + " but " + index + "@" + known.term() + " was committed in an earlier term");
        }
    }

    /** The latest term in which {@code node} sent AppendLogs for a partition (so led it), or 0. */
    long lastTermLed(int node, int partition) {
        TreeMap<Long, Integer> terms = leaders.getOrDefault(partition, new TreeMap<>());
        return terms.descendingMap().entrySet().stream().filter(e -> e.getValue() == node)
                .mapToLong(Map.Entry::getKey).findFirst().orElse(0);
    }

    /**
     * {@code source} answered Success to a transfer of a partition's leadership to {@code target}, asked when the
     * last term it had led was {@code since}: the target must have led that term or a later one.
     */
    void onTransferSucceeded(int source, int target, int partition, long since) {
        if (!leaders.getOrDefault(partition, new TreeMap<>()).tailMap(since, true).containsValue(target)) {
            fail("leadership transfer: n" + source + " answered Success to handing partition " + partition
                    + " to n" + target + ", which has led no term since " + since);
        } else {
            trace.record(source, "transferred", partition, target, "p" + partition + " handed to n" + target);
        }
    }

    /**
     * From now on no partition may get a leader of a newer term than the ones that sent AppendLogs so far: nothing
     * in a quiet cluster (no loss, partition, crash or pause) justifies an election.
     */
    void freezeLeaders() {
        frozenTerms = new HashMap<>(highestTerms);
    }

    /** Elections are expected again (a quiet run's last act crashes a leader): the frozen leaders thaw. */
    void thawLeaders() {
        frozenTerms = null;
    }

    // ---------------------------------------------------------------- what nodes deliver

    /**
     * A node (re)starts restoring a partition: its application state restarts from the snapshot point
     * {@code compactedUpTo}, so the next entry it restores or delivers must be the first committed one after it
     * (the gap check holds from a lifetime's first entry on, not only from its second).
     */
    void onRestoreStarted(int node, int partition, long compactedUpTo) {
        lastInRestore.put(new NodePartition(node, partition), compactedUpTo);
    }

    /** A node replays a committed entry from its WAL (onLogRestored). */
    void onRestored(int node, int partition, RaftLog log) {
        checkOrder(node, partition, log, "restored");
        agree(node, partition, log);
    }

    /**
     * A node delivers a committed entry (onReplicationReceived); {@code durable}: whether the node's disk holds it
     * (an entry delivered before it is durable could be lost by a crash and delivered again).
     */
    void onDelivered(int node, int partition, RaftLog log, boolean durable) {
        NodePartition key = new NodePartition(node, partition);
        if (!durable) {
            fail("delivered before durable: n" + node + " delivered partition " + partition + " index "
                    + log.index() + " that its disk does not hold yet");
        }
        Long last = lastDelivered.get(key);
        if (last != null && log.index() <= last) {
            fail("at-most-once delivery: n" + node + " delivered partition " + partition + " index " + log.index()
                    + " after delivering index " + last + " (in this or an earlier lifetime)");
        }
        lastDelivered.put(key, log.index());
        checkOrder(node, partition, log, "delivered");
        agree(node, partition, log);
        trace.record(node, "deliver", partition, log.index(), "p" + partition + " " + log);
    }

    private void checkOrder(int node, int partition, RaftLog log, String how) {
        NodePartition key = new NodePartition(node, partition);
        Long last = lastInRestore.get(key);
        if (last != null) {
            if (log.index() <= last) {
                fail("delivery order: n" + node + " " + how + " partition " + partition + " index " + log.index()
                        + " after index " + last);
            }
            Map.Entry<Long, RaftLog> skipped = committed(partition).higherEntry(last);
            if (skipped != null && skipped.getKey() < log.index()) {
                fail("delivery gap: n" + node + " " + how + " partition " + partition + " index " + log.index()
                        + " after " + last + ", skipping committed " + skipped.getValue());
            }
        }
        lastInRestore.put(key, log.index());
    }

    private void agree(int node, int partition, RaftLog log) {
        RaftLog first = committed(partition).putIfAbsent(log.index(), log);
        if (first != null && !first.equals(log)) {
            fail("state-machine safety: n" + node + " has " + log + " at partition " + partition + " index "
                    + log.index() + ", another node had " + first);
        }
        if (log.kind() == RaftLogType.Proposed) {
            proposed(partition).add(log.time());
        } else if (isSettlement(log)) {
            Settlement settled = settlements(partition).putIfAbsent(log.time(),
                    new Settlement(log.index(), log.kind(), trace.now()));
            if (settled != null && (settled.index() != log.index() || settled.kind() != log.kind())) {
                fail("settled twice: partition " + partition + " ticket " + log.time() + " was settled "
                        + settled.kind() + " at index " + settled.index() + ", and n" + node + " has it "
                        + log.kind() + " at index " + log.index());
            }
        }
        Command command = Command.decode(log.data());
        if (command != null) {
            Long at = appliedOperations.computeIfAbsent(partition, p -> new HashMap<>())
                    .putIfAbsent(command.opId(), log.index());
            if (at != null && at != log.index()) {
                fail("at-most-once requests: n" + node + " applied op" + command.opId() + " of partition "
                        + partition + " at index " + log.index() + ", and at index " + at + " before");
            }
        }
    }

    /**
     * A node's application installed a snapshot of a partition up to {@code index}, leaving it with {@code state}
     * (every entry it now holds as handed over): that must be the committed prefix up to the boundary, and the next
     * entry it is handed follows the boundary.
     */
    void onSnapshotInstalled(int node, int partition, long index, List<RaftLog> state) {
        List<RaftLog> prefix = new ArrayList<>(committed(partition).headMap(index, true).values());
        if (!prefix.equals(state)) {
            fail("snapshot install: n" + node + " installed partition " + partition + " up to " + index + " holding "
                    + state.size() + " entries (last " + (state.isEmpty() ? "none" : state.get(state.size() - 1))
                    + "), not the committed prefix of " + prefix.size() + " entries" + firstDifference(prefix, state));
        }
        lastInRestore.put(new NodePartition(node, partition), index);
        trace.record(node, "install", partition, index, "p" + partition + " installed a snapshot up to " + index);
    }

    private static String firstDifference(List<RaftLog> expected, List<RaftLog> actual) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                return ": first difference at position " + i + ", " + expected.get(i) + " vs " + actual.get(i);
            }
        }
        return "";
    }

    /** A node announced ({@code onSnapshotInstalled}) a snapshot installed from its leader. */
    void onInstallAnnounced() {
        installs++;
    }

    /** Snapshots installed from a leader so far. */
    int installs() {
        return installs;
    }

    /** The last index a node applied (restored or delivered) for a partition since its last restore began. */
    long lastApplied(int node, int partition) {
        return lastInRestore.getOrDefault(new NodePartition(node, partition), 0L);
    }

    /**
     * A node's disk was wiped (after a crash): its application lost its state with it, so the node's next lifetime
     * delivers every entry again, from the first on; what it delivered before is forgotten.
     */
    void onWipe(int node, SimDisk disk, int partitions) {
        lastDelivered.keySet().removeIf(key -> key.node() == node);
        lastInRestore.keySet().removeIf(key -> key.node() == node);
        wipes.onWipe(node, disk, partitions);
    }

    /**
     * A node starts a replica of a partition with nothing of it on its disk (a replica the map placed back on it
     * after its data was deleted): its application starts the partition from nothing, so it is handed every entry
     * again; what the node delivered of it before is forgotten, as after a wipe.
     */
    void onFreshReplica(int node, int partition) {
        lastDelivered.remove(new NodePartition(node, partition));
    }

    /**
     * A node crashed; {@code durableLast} is the last log index its disk holds for the partition. Everything it
     * delivered must be at or below it, or the restarted node would miss or re-deliver entries.
     */
    void onCrash(int node, int partition, long durableLast) {
        NodePartition key = new NodePartition(node, partition);
        Long delivered = lastDelivered.get(key);
        lastInRestore.remove(key);
        if (delivered != null && delivered > durableLast) {
            fail("delivered beyond the durable log: n" + node + " delivered partition " + partition + " up to "
                    + delivered + " but its disk holds the log only up to " + durableLast);
        }
    }

    /**
     * A node that had applied a partition's removal stopped: its disk no longer holds (or soon will not hold) the
     * partition, and it never delivers it again, so what it delivered is not checked against the disk.
     */
    void onRemoved(int node, int partition) {
        lastInRestore.remove(new NodePartition(node, partition));
    }
}
