package io.kommander.bench.demo;

import io.kommander.bench.load.Verification;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * What the demo prints at the end.
 *
 * @param acknowledged   writes acknowledged to clients
 * @param errors         writes that failed (a write in flight on the killed node may time out)
 * @param leaderChanges  leader changes after the cluster first elected its leaders
 * @param killedNode     the node that was killed and restarted (1-based)
 * @param catchUpMillis  from the restart until the restarted node had delivered what the others had
 * @param verification   the end-of-run check
 * @param events         what happened, in order
 */
public record DemoSummary(long acknowledged, long errors, long leaderChanges, int killedNode, long catchUpMillis,
                          Verification verification, List<String> events) {

    /** Prints the summary. */
    public void print(PrintStream out) {
        out.println();
        events.forEach(event -> out.println("  " + event));
        out.printf(Locale.ROOT, "%nentries acknowledged: %d (failed writes: %d)%n", acknowledged, errors);
        List<Long> delivered = verification.deliveredPerNode();
        for (int i = 0; i < delivered.size(); i++) {
            out.printf(Locale.ROOT, "entries delivered by node %d: %d%s%n", i + 1, delivered.get(i),
                    i + 1 == killedNode ? " (killed and restarted; replayed from its WAL, then caught up)" : "");
        }
        out.printf(Locale.ROOT, "leader changes: %d%n", leaderChanges);
        out.printf(Locale.ROOT, "catch-up time of node %d: %d ms%n", killedNode, catchUpMillis);
        out.printf(Locale.ROOT, "every acknowledged entry delivered on every node: %s%n",
                verification.allDelivered() ? "yes" : "NO " + verification.missingPerNode());
        out.printf(Locale.ROOT, "every node delivered the same sequence: %s%n",
                verification.sameSequence() ? "yes" : "NO");
    }
}
