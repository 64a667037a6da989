package io.kommander.bench.load;

import java.util.Locale;

/**
 * A run's overall result. A run passes only if it is verified (every acknowledged write delivered on every node,
 * in the same order), acknowledged at least one write in the measured phase, and had no failed write in it: a
 * verified run that acknowledged nothing, or that failed writes, is not a clean pass. When several apply, the
 * first in declaration order is reported.
 */
public enum Verdict {
    /** The cluster did not start (for example the disk ran out of space): nothing was measured. */
    NO_START,
    /** Some node missed an acknowledged write, or nodes delivered different sequences. */
    UNVERIFIED,
    /** Nothing was acknowledged in the measured phase: "verified" holds vacuously. */
    NO_ACKS,
    /** Some writes failed in the measured phase (the errors column says how many). */
    ERRORS,
    /** Verified, writes acknowledged, none failed. */
    PASS;

    /** The verdict for a run's figures. */
    public static Verdict of(boolean started, boolean verified, long acknowledged, long errors) {
        if (!started) {
            return NO_START;
        }
        if (!verified) {
            return UNVERIFIED;
        }
        if (acknowledged == 0) {
            return NO_ACKS;
        }
        return errors > 0 ? ERRORS : PASS;
    }

    /** The name in tables and JSON: {@code pass}, {@code no-start}, {@code no-acks}, {@code errors} or
     * {@code unverified}. */
    public String reportName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
