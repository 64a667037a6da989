package io.kommander.bench.load;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Which slow writes a garbage-collection pause of this JVM overlapped: turned on with
 * {@code -Dkommander.bench.tailMillis=N} (writes of at least N ms are slow), off (and free) otherwise. Pauses come
 * from the collectors' notifications and writes are placed on the same clock (JVM uptime, as in {@code -Xlog:gc}), so
 * the share of the tail that GC explains holds still however loaded the machine is, unlike the p99 itself. Only
 * meaningful when the nodes run in this JVM (the default {@code one} mode). Thread-safe.
 */
public final class TailAttribution implements AutoCloseable {

    /** The system property that turns the attribution on; its value is the slow-write threshold in ms. */
    public static final String PROPERTY = "kommander.bench.tailMillis";

    private final long thresholdMillis;
    private final RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onGc;
    /** Pairs of (start, end) uptime ms of every pause, in the order they ended. */
    private final List<long[]> pauses = new ArrayList<>();
    /** Pairs of (start, end) uptime ms of every slow write. */
    private final List<long[]> slow = new ArrayList<>();

    private TailAttribution(long thresholdMillis) {
        this.thresholdMillis = thresholdMillis;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            // A concurrent cycle's time is not a pause: the application runs alongside it.
            if (collector instanceof NotificationEmitter emitter && !collector.getName().contains("Concurrent")) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
    }

    /** An attribution if {@link #PROPERTY} is set, else null (the load generator then records nothing). */
    public static TailAttribution fromSystemProperty() {
        Long threshold = Long.getLong(PROPERTY);
        return threshold == null ? null : new TailAttribution(threshold);
    }

    /** Records a write acknowledged now, {@code latencyNanos} after it was issued, if it is slow. */
    public void completed(long latencyNanos) {
        long latencyMillis = latencyNanos / 1_000_000;
        if (latencyMillis >= thresholdMillis) {
            long end = runtime.getUptime();
            synchronized (slow) {
                slow.add(new long[] {end - latencyMillis, end});
            }
        }
    }

    /** Forgets the slow writes and pauses so far (the end of the warm-up). */
    public void reset() {
        synchronized (slow) {
            slow.clear();
        }
        synchronized (pauses) {
            pauses.clear();
        }
    }

    /**
     * One line: the slow writes, how many a pause overlapped, the same for the writes at or above the run's p99
     * ({@code p99Millis}), and the pauses since {@link #reset()}.
     */
    public String summary(long p99Millis) {
        List<long[]> writes;
        List<long[]> gcs;
        synchronized (slow) {
            writes = new ArrayList<>(slow);
        }
        synchronized (pauses) {
            gcs = new ArrayList<>(pauses);
        }
        List<long[]> overlapping = writes.stream()
                .filter(w -> gcs.stream().anyMatch(p -> p[0] < w[1] && p[1] > w[0])).toList();
        long tail = writes.stream().filter(w -> w[1] - w[0] >= p99Millis).count();
        long tailOverlapping = overlapping.stream().filter(w -> w[1] - w[0] >= p99Millis).count();
        long total = gcs.stream().mapToLong(p -> p[1] - p[0]).sum();
        long longest = gcs.stream().mapToLong(p -> p[1] - p[0]).max().orElse(0);
        return String.format("tail: %,d writes of %d ms or more, %,d (%.0f %%) overlapping a GC pause; of the %,d at or "
                        + "above the p99 (%d ms), %,d (%.0f %%); GC pauses: %d, %,d ms in all, longest %,d ms",
                writes.size(), thresholdMillis, overlapping.size(), 100.0 * overlapping.size() / Math.max(1,
                        writes.size()), tail, p99Millis, tailOverlapping, 100.0 * tailOverlapping / Math.max(1, tail),
                gcs.size(), total, longest);
    }

    private void onGc(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        synchronized (pauses) {
            pauses.add(new long[] {info.getGcInfo().getStartTime(), info.getGcInfo().getEndTime()});
        }
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                // Already gone: nothing to undo.
            }
        }
    }
}
