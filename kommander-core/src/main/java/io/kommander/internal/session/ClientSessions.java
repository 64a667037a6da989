package io.kommander.internal.session;

import io.kommander.RequestId;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;

/**
 * Idempotent writes for one partition replica: the {@link SessionWindow} of applied requests and the requests whose
 * entries are in the log but not yet applied. The replica's log feeds it (appends, truncations, applied entries);
 * a leader asks it about each request id before appending.
 *
 * <p>Snapshots: compaction removes entries the window was built from, so before each compaction the window is
 * stored in the WAL's metadata under {@link #metadataKey(int)}, with the compaction point it was written for. A
 * restore starts from it and replays only the entries after its applied index.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
public final class ClientSessions {

    /** What a leader does with a request: answer it now, join its entry already in the log, or append it. */
    public record Lookup(Verdict answer, LogEntry inLog) {

        /** Neither answered nor in the log: append it. */
        public static final Lookup NEW = new Lookup(null, null);
    }

    private static final String METADATA_PREFIX = "kommander.sessions.";

    private final SessionLimits limits;
    private final InflightRequests inflight = new InflightRequests();
    private SessionWindow window;

    /** Empty sessions, as of index 0. */
    public ClientSessions(SessionLimits limits) {
        this.limits = limits;
        this.window = new SessionWindow(limits);
    }

    /** The WAL metadata key of partition {@code partition}'s snapshot. */
    public static String metadataKey(int partition) {
        return METADATA_PREFIX + partition;
    }

    /**
     * Starts from a stored snapshot.
     *
     * @return the compaction point the snapshot was written for: entries at or below it are gone for this replica
     *         even if the WAL, which need not sync a compaction, still holds some
     * @throws IllegalStateException if the bytes are not a snapshot
     */
    public LogPosition restore(byte[] snapshot) {
        SessionCodec.Snapshot decoded = SessionCodec.decode(snapshot, limits);
        window = decoded.window();
        return decoded.compactedTo();
    }

    /** The snapshot to store before compacting to {@code compactTo} (at or below the applied index). */
    public byte[] snapshot(LogPosition compactTo) {
        return SessionCodec.encode(compactTo, window);
    }

    /** The log was compacted up to {@code index}. */
    public void compacted(long index) {
        window.compacted(index);
    }

    /** An entry was appended to the log. */
    public void appended(LogEntry entry) {
        inflight.appended(entry);
    }

    /** The log's entries after {@code index} were truncated. */
    public void truncatedAfter(long index) {
        inflight.truncatedAfter(index);
    }

    /** A committed entry is applied, in index order: the window's verdict says whether it is delivered. */
    public Verdict applied(LogEntry entry) {
        inflight.applied(entry.index());
        return window.apply(entry);
    }

    /** What the leader does with request {@code id}. */
    public Lookup find(RequestId id) {
        Verdict known = window.lookup(id.clientId(), id.sequence());
        if (known != null) {
            return new Lookup(known, null);
        }
        LogEntry entry = inflight.find(id);
        return entry == null ? Lookup.NEW : new Lookup(null, entry);
    }

    /** The index the window is as of. */
    public long appliedIndex() {
        return window.appliedIndex();
    }

    /** See {@link SessionWindow#fingerprint()}. */
    public long fingerprint() {
        return window.fingerprint();
    }

    /** Live sessions. */
    public int size() {
        return window.size();
    }
}
