package io.kommander.sim;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a history of operations on one register is linearizable: whether some total order of the
 * operations, consistent with real time (an operation that completed before another was invoked comes first),
 * explains every result. Wing and Gong's search with Lowe's memoization: a configuration (set of operations
 * linearized so far, register value) that failed once is never explored again.
 *
 * <p>Indeterminate operations (timed out, failed: they may or may not have happened) never complete: they may be
 * linearized anywhere after their invocation, or left out. Stateless and thread-safe.
 */
final class LinearizabilityChecker {

    /** Results of an indeterminate operation. */
    static final long UNKNOWN = Long.MIN_VALUE;
    /** Completion of an indeterminate operation. */
    static final long NEVER = Long.MAX_VALUE;

    /** The verdict. */
    enum Verdict { LINEARIZABLE, NOT_LINEARIZABLE, GAVE_UP }

    /** Operations on a register. */
    enum Kind { WRITE, READ, CAS }

    /**
     * One operation.
     *
     * @param id       for reports
     * @param kind     the operation
     * @param value    the value written, or the value a CAS expects
     * @param newValue the value a CAS sets
     * @param invoke   when it was invoked, in the history's total order
     * @param complete when it completed, or {@link #NEVER}
     * @param result   what a read returned; for a CAS 1 (swapped) or 0; {@link #UNKNOWN} if indeterminate
     */
    record Op(long id, Kind kind, long value, long newValue, long invoke, long complete, long result) {

        static Op write(long id, long value, long invoke, long complete) {
            return new Op(id, Kind.WRITE, value, 0, invoke, complete, UNKNOWN);
        }

        static Op read(long id, long invoke, long complete, long result) {
            return new Op(id, Kind.READ, 0, 0, invoke, complete, result);
        }

        static Op cas(long id, long expected, long newValue, long invoke, long complete, long result) {
            return new Op(id, Kind.CAS, expected, newValue, invoke, complete, result);
        }

        /** The register after this operation from {@code state}, or null if its result is impossible there. */
        Long step(long state) {
            return switch (kind) {
                case WRITE -> value;
                case READ -> result == UNKNOWN || result == state ? state : null;
                case CAS -> {
                    boolean swaps = state == value;
                    if (result != UNKNOWN && (result == 1) != swaps) {
                        yield null;
                    }
                    yield swaps ? newValue : state;
                }
            };
        }
    }

    private record Configuration(BitSet linearized, long state) {
    }

    private final long maxConfigurations;

    /** @param maxConfigurations configurations explored at most before giving up */
    LinearizabilityChecker(long maxConfigurations) {
        this.maxConfigurations = maxConfigurations;
    }

    /** Checks a history of one register whose initial value is {@code initial}. */
    Verdict check(List<Op> history, long initial) {
        List<Op> ops = new ArrayList<>(history);
        ops.sort(Comparator.comparingLong(Op::invoke));
        int mustComplete = 0;
        for (Op op : ops) {
            if (op.complete() != NEVER) {
                mustComplete++;
            }
        }
        Search search = new Search(ops, mustComplete);
        boolean found = search.explore(new BitSet(ops.size()), 0, initial);
        if (found) {
            return Verdict.LINEARIZABLE;
        }
        return search.explored > maxConfigurations ? Verdict.GAVE_UP : Verdict.NOT_LINEARIZABLE;
    }

    private final class Search {
        final List<Op> ops;
        final int mustComplete;
        final Set<Configuration> failed = new HashSet<>();
        long explored;

        Search(List<Op> ops, int mustComplete) {
            this.ops = ops;
            this.mustComplete = mustComplete;
        }

        boolean explore(BitSet linearized, int completedDone, long state) {
            if (completedDone == mustComplete) {
                return true;
            }
            if (++explored > maxConfigurations) {
                return false;
            }
            Configuration here = new Configuration((BitSet) linearized.clone(), state);
            if (failed.contains(here)) {
                return false;
            }
            // An operation may go next only if no pending operation completed before it was invoked.
            long firstCompletion = NEVER;
            for (int i = linearized.nextClearBit(0); i < ops.size(); i = linearized.nextClearBit(i + 1)) {
                firstCompletion = Math.min(firstCompletion, ops.get(i).complete());
            }
            for (int i = linearized.nextClearBit(0); i < ops.size(); i = linearized.nextClearBit(i + 1)) {
                Op op = ops.get(i);
                if (op.invoke() > firstCompletion) {
                    break;
                }
                Long next = op.step(state);
                if (next == null) {
                    continue;
                }
                linearized.set(i);
                boolean done = explore(linearized, completedDone + (op.complete() != NEVER ? 1 : 0), next);
                linearized.clear(i);
                if (done) {
                    return true;
                }
            }
            failed.add(here);
            return false;
        }
    }
}
