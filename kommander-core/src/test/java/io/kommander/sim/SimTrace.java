package io.kommander.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What happened in a run: a bounded ring of the latest notable events (messages, crashes, elections, commits,
 * client operations) for the failure report, and a digest of every event recorded, to prove that one seed replays
 * the same run. The digest mixes only explicit numbers and strings, never identity hash codes.
 *
 * <p>Not thread-safe: one run, one thread.
 */
final class SimTrace {

    private static final int KEEP = 400;

    private record Line(long time, int node, String category, Object detail) {
        @Override
        public String toString() {
            return String.format("%7d ms  %-6s %-9s %s", time, node < 0 ? "-" : "n" + node, category, detail);
        }
    }

    private final ArrayDeque<Line> lines = new ArrayDeque<>(KEEP);
    private final SimScheduler scheduler;
    private long digest = 0xCBF29CE484222325L;
    private long recorded;

    SimTrace(SimScheduler scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * Records an event.
     *
     * @param node     the node it happened on, or {@link SimScheduler#NO_NODE}
     * @param category a short kind ("send", "crash", "leader", "deliver", "client", ...)
     * @param a        a number that identifies it (mixed into the digest)
     * @param b        another
     * @param detail   rendered only when the trace is printed
     */
    void record(int node, String category, long a, long b, Object detail) {
        record(node, category, a, b, detail, true);
    }

    /** {@code -Dkommander.sim.debug=a,b}: trace categories printed as they happen (replaying a seed). */
    private static final String DEBUG = System.getProperty("kommander.sim.debug");

    /** As {@link #record(int, String, long, long, Object)}; {@code show}: whether it goes into the printed trace. */
    void record(int node, String category, long a, long b, Object detail, boolean show) {
        long time = scheduler.now();
        mix(time);
        mix(node);
        mix(category.hashCode());
        mix(a);
        mix(b);
        recorded++;
        if (DEBUG != null && java.util.Arrays.asList(DEBUG.split(",")).contains(category)) {
            System.out.println("TRACE " + time + " n" + node + " " + category + " " + detail);
        }
        if (!show) {
            return;
        }
        if (lines.size() == KEEP) {
            lines.removeFirst();
        }
        lines.addLast(new Line(time, node, category, detail));
    }

    private void mix(long value) {
        digest ^= value;
        digest *= 0x100000001B3L;
        digest ^= digest >>> 29;
    }

    /** The run's virtual time now. */
    long now() {
        return scheduler.now();
    }

    /** The digest of everything recorded so far. */
    long digest() {
        return digest;
    }

    /** Events recorded so far. */
    long recorded() {
        return recorded;
    }

    /** The last {@code count} lines, oldest first. */
    List<String> last(int count) {
        List<String> all = new ArrayList<>(lines.size());
        lines.forEach(l -> all.add(l.toString()));
        return all.subList(Math.max(0, all.size() - count), all.size());
    }
}
