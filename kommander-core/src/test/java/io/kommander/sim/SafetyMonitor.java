package io.kommander.sim;

import io.kommander.RaftLog;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.RaftMessage;
import io.kommander.wal.LogEntry;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks Raft's safety properties as the run goes, from what the nodes send and deliver:
 * <ul>
 *   <li>election safety: at most one node sends AppendLogs for a (partition, term), since only leaders do;</li>
 *   <li>log matching: two entries sent with the same (index, term) are the same entry;</li>
 *   <li>leader completeness: once a leader of term W announced index i committed, a leader of a later term
 *       sends, at i, only the committed entry;</li>
 *   <li>state-machine safety: no two nodes deliver (or restore) different entries at one index;</li>
 *   <li>delivery in index order, exactly once per node lifetime (restored or delivered), skipping no index
 *       another node delivered;</li>
 *   <li>onReplicationReceived at most once per entry over all of a node's lifetimes: what a node delivered before
 *       a crash is within its durable log (so it comes back through onLogRestored, never delivered again).</li>
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

    private final SimTrace trace;
    private final Map<Long, Integer> leaders = new HashMap<>();
    /** Per partition: the highest term of any AppendLogs sent. */
    private final Map<Integer, Long> highestTerms = new HashMap<>();
    /** The highest terms when the leaders were frozen, or null. */
    private Map<Integer, Long> frozenTerms;
    private final Map<EntryKey, LogEntry> sent = new HashMap<>();
    /** Per partition: the highest commit index announced by a leader of each term. */
    private final Map<Integer, TreeMap<Long, Long>> announcedCommits = new HashMap<>();
    /** Per partition: the committed entries, as first delivered by any node. */
    private final Map<Integer, TreeMap<Long, RaftLog>> committed = new HashMap<>();
    /** The last index each node delivered through onReplicationReceived, over all its lifetimes. */
    private final Map<NodePartition, Long> lastDelivered = new HashMap<>();
    private final Map<NodePartition, Long> lastInRestore = new HashMap<>();
    private String violation;

    SafetyMonitor(SimTrace trace) {
        this.trace = trace;
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

    /** Records a violation found by a check outside this monitor (the end-of-run checks). */
    void fail(String what) {
        if (violation == null) {
            violation = what;
            trace.record(SimScheduler.NO_NODE, "VIOLATION", 0, 0, what);
        }
    }

    // ---------------------------------------------------------------- what leaders send

    void onSend(int from, MessageBatch batch) {
        for (RaftMessage message : batch.messages()) {
            if (message instanceof RaftMessage.AppendLogs append) {
                onAppend(from, append);
            }
        }
    }

    private void onAppend(int from, RaftMessage.AppendLogs append) {
        int p = append.partition();
        long term = append.term();
        Integer leader = leaders.putIfAbsent(((long) p << 40) ^ term, from);
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

    /**
     * From now on no partition may get a leader of a newer term than the ones that sent AppendLogs so far: nothing
     * in a quiet cluster (no loss, partition, crash or pause) justifies an election.
     */
    void freezeLeaders() {
        frozenTerms = new HashMap<>(highestTerms);
    }

    // ---------------------------------------------------------------- what nodes deliver

    /** A node (re)starts restoring a partition: its application state restarts from the snapshot point. */
    void onRestoreStarted(int node, int partition) {
        lastInRestore.remove(new NodePartition(node, partition));
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
    }

    /** The last index a node applied (restored or delivered) for a partition since its last restore began. */
    long lastApplied(int node, int partition) {
        return lastInRestore.getOrDefault(new NodePartition(node, partition), 0L);
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
}
