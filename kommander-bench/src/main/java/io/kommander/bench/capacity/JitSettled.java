package io.kommander.bench.capacity;

import io.kommander.bench.node.NodeStats;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Whether every node's JIT has settled: between two consecutive asks, no node's JIT compilers spent more than
 * {@link #MAX_SHARE} of the time between them compiling. A node that keeps compiling is measured warming up, not
 * working, and on a loaded machine six JVMs compile for longer than three do, which the CPU share then charges to
 * the larger cluster. The first ask only takes a reading. Not thread-safe: one caller asks.
 */
final class JitSettled implements BooleanSupplier {

    /** At most 1 % of the interval spent compiling, per node. */
    static final double MAX_SHARE = 0.01;

    private final Supplier<List<NodeStats>> stats;
    private final Supplier<Long> clockNanos;
    private List<NodeStats> last;
    private long lastNanos;

    /**
     * @param stats      every node's stats, in node order
     * @param clockNanos a monotonic clock
     */
    JitSettled(Supplier<List<NodeStats>> stats, Supplier<Long> clockNanos) {
        this.stats = stats;
        this.clockNanos = clockNanos;
    }

    @Override
    public boolean getAsBoolean() {
        List<NodeStats> now = stats.get();
        long nowNanos = clockNanos.get();
        boolean settled = last != null && settledSince(last, now, (nowNanos - lastNanos) / 1e6);
        last = now;
        lastNanos = nowNanos;
        return settled;
    }

    /** Whether no node compiled for more than {@link #MAX_SHARE} of {@code millis} between the two readings. */
    static boolean settledSince(List<NodeStats> before, List<NodeStats> after, double millis) {
        for (int i = 0; i < after.size(); i++) {
            long compiled = after.get(i).jitMillis() - before.get(i).jitMillis();
            if (compiled > MAX_SHARE * millis) {
                return false;
            }
        }
        return millis > 0;
    }
}
