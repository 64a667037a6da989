package io.kommander.internal.partition;

/**
 * What the application has received from a partition in this process, carried from one restore to the next so that
 * a restore after a WAL failure hands over nothing twice and keeps each entry on the listener it belongs to.
 *
 * @param index           the last index handed to {@code onLogRestored} or {@code onReplicationReceived}
 * @param restoredThrough the end of the log at the process's first completed restore (lowered by truncations since):
 *                        entries up to it may have been delivered before the process started and go to
 *                        {@code onLogRestored}; -1 until that restore completes
 */
record DeliveredSoFar(long index, long restoredThrough) {

    /** A process that has handed over nothing and not restored yet. */
    static final DeliveredSoFar NONE = new DeliveredSoFar(0, -1);

    /** The same, with {@code handed} handed over too. */
    DeliveredSoFar handed(long handed) {
        return handed > index ? new DeliveredSoFar(handed, restoredThrough) : this;
    }
}
