package io.kommander.sim;

import io.kommander.RaftLog;
import io.kommander.transport.RaftMessage;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the rule a wiped node rests on: a replica whose disk was wiped grants no vote (nor pre-vote) and stands for
 * no election (asks for no vote, leads no term) before it holds every entry committed before its wipe. "Committed
 * before its wipe" is the last entry any node had delivered by then (delivery implies commitment; the log matching
 * property makes holding that one entry mean holding every earlier one). Votes and vote requests are checked as
 * they are sent (they leave only once what they depend on is synced, so the disk tells what the replica holds), the
 * leaders after every event.
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class WipeMonitor {

    /** The last committed entry before a wipe. */
    private record Mark(long index, long term) {
    }

    private final SafetyMonitor monitor;
    /** Per wiped node (its index), per partition: what it must hold again before it takes part in elections. */
    private final Map<Integer, Map<Integer, Mark>> marks = new HashMap<>();
    private final Map<Integer, SimDisk> disks = new HashMap<>();

    WipeMonitor(SafetyMonitor monitor) {
        this.monitor = monitor;
    }

    /** Node {@code node} lost its disk now; partitions 1..{@code partitions} are user partitions. */
    void onWipe(int node, SimDisk disk, int partitions) {
        Map<Integer, Mark> nodeMarks = new HashMap<>();
        for (int p = 1; p <= partitions; p++) {
            Map.Entry<Long, RaftLog> last = monitor.committed(p).lastEntry();
            if (last != null) {
                nodeMarks.put(p, new Mark(last.getKey(), last.getValue().term()));
            }
        }
        marks.put(node, nodeMarks);
        disks.put(node, disk);
    }

    /** A message a node sends. */
    void onSend(int from, RaftMessage message) {
        Map<Integer, Mark> nodeMarks = marks.get(from);
        if (nodeMarks == null) {
            return;
        }
        String what = message instanceof RaftMessage.VoteResponse v && v.granted()
                ? (v.preVote() ? "granted a pre-vote" : "granted a vote")
                : message instanceof RaftMessage.RequestVote r && !r.preVote() ? "stood for election" : null;
        if (what != null) {
            check(from, message.partition(), nodeMarks, what + " in term " + message.term());
        }
    }

    /** Whether node {@code node}'s disk was ever wiped. */
    boolean wiped(int node) {
        return disks.containsKey(node);
    }

    /** After every event: a wiped replica that leads must hold what was committed before its wipe. */
    void check(List<SimNode> nodes) {
        for (SimNode node : nodes) {
            Map<Integer, Mark> nodeMarks = marks.get(node.index());
            if (nodeMarks == null || node.state() == SimNode.State.DOWN) {
                continue;
            }
            for (Integer p : List.copyOf(nodeMarks.keySet())) {
                var replica = node.partition(p);
                if (replica != null && replica.view().leader()) {
                    check(node.index(), p, nodeMarks, "leads term " + replica.view().term());
                }
            }
        }
    }

    private void check(int node, int p, Map<Integer, Mark> nodeMarks, String what) {
        Mark mark = nodeMarks.get(p);
        if (mark == null) {
            return;
        }
        if (disks.get(node).holds(p, mark.index(), mark.term())) {
            nodeMarks.remove(p);
            return;
        }
        monitor.fail("wiped replica: n" + node + " " + what + " on p" + p + " without holding index " + mark.index()
                + "@" + mark.term() + ", committed before its disk was wiped");
    }
}
