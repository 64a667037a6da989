package io.kommander.internal.session;

import io.kommander.time.HLCTimestamp;
import io.kommander.wal.LogEntry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The client sessions of one partition as of its last applied entry (Ongaro's thesis, §6.3): a deterministic
 * function of the committed log, so every replica that applied the same entries holds the same window and decides
 * the same about the next one. Committed entries are fed in index order through {@link #apply}; an entry with a
 * request id is delivered only if it is a new request of a live session.
 *
 * <p>Time here is log time: the highest hybrid time of the applied entries, never a clock. A session expires once
 * log time passes its last request by more than the TTL; opening a session beyond the limit evicts the least
 * recently active one (sessions are kept in that order, so both choices are the same on every replica).
 *
 * <p>The window also remembers which entries it refused since the last compaction, so that a replica restored
 * from a snapshot of it knows which of the retained entries the application never saw.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
public final class SessionWindow {

    private final SessionLimits limits;
    /** From the least to the most recently active. */
    // Shared empty collections until the first session or refusal: most partitions of a node never see a client
    // session, and a node may hold thousands.
    private Map<Long, ClientSession> sessions = Collections.emptyMap();
    private NavigableSet<Long> refused = Collections.emptyNavigableSet();
    private HLCTimestamp logTime = HLCTimestamp.ZERO;
    private long appliedIndex;

    /** An empty window, as of index 0. */
    public SessionWindow(SessionLimits limits) {
        this.limits = limits;
    }

    /**
     * Applies the next committed entry and returns the verdict. An entry at or below {@link #appliedIndex()} is
     * already in the window (restored from a snapshot): it changes nothing and answers only whether it was
     * delivered.
     */
    public Verdict apply(LogEntry entry) {
        if (entry.index() <= appliedIndex) {
            return refused.contains(entry.index()) ? Verdict.REFUSED_BEFORE_RESTORE : Verdict.PLAIN;
        }
        appliedIndex = entry.index();
        if (entry.time().compareTo(logTime) > 0) {
            logTime = entry.time();
            expire();
        }
        if (!entry.hasRequestId()) {
            return Verdict.PLAIN;
        }
        Verdict verdict = decide(entry);
        if (!verdict.delivered()) {
            if (!(refused instanceof TreeSet)) {
                refused = new TreeSet<>();
            }
            refused.add(entry.index());
        }
        return verdict;
    }

    /**
     * What the window already knows of a request: its original result if it applied and is remembered,
     * TOO_OLD if its sequence is at or below its session's highest but not remembered, or null if it is undecided
     * (a new request, or one of an unknown session: its entry decides). A decided answer is final: later entries
     * never change it.
     */
    public Verdict lookup(long clientId, long sequence) {
        ClientSession session = sessions.get(clientId);
        if (session == null || sequence > session.highestSequence()) {
            return null;
        }
        ClientSession.AppliedRequest earlier = session.find(sequence);
        return earlier == null ? Verdict.TOO_OLD
                : new Verdict(Verdict.Outcome.DUPLICATE, earlier.index(), earlier.ticket());
    }

    /** The index of the last entry applied. */
    public long appliedIndex() {
        return appliedIndex;
    }

    /** The log time: the highest hybrid time of the applied entries. */
    public HLCTimestamp logTime() {
        return logTime;
    }

    /** Live sessions. */
    public int size() {
        return sessions.size();
    }

    /** Forgets the refused entries at or below {@code index}: compacted, they are never restored again. */
    public void compacted(long index) {
        if (!refused.isEmpty()) {
            refused.headSet(index, true).clear();
        }
    }

    /**
     * A digest of the replicated part of the window (sessions, results, log time, applied index): equal on every
     * replica that applied the same entries. The refused entries are left out, since each replica forgets them
     * when it compacts.
     */
    public long fingerprint() {
        long h = mix(mix(0x9E3779B97F4A7C15L, appliedIndex), logTime.physical() * 31 + logTime.counter());
        for (ClientSession session : sessions.values()) {
            h = mix(mix(mix(h, session.clientId()), session.highestSequence()),
                    session.lastActivity().physical() * 31 + session.lastActivity().counter());
            for (ClientSession.AppliedRequest request : session.results()) {
                h = mix(mix(mix(h, request.sequence()), request.index()), request.ticket().physical());
            }
        }
        return h;
    }

    private static long mix(long h, long value) {
        long x = (h ^ value) * 0xBF58476D1CE4E5B9L;
        return x ^ (x >>> 31);
    }

    private Verdict decide(LogEntry entry) {
        ClientSession session = sessions.remove(entry.clientId());
        if (session == null) {
            if (entry.sequence() != 1) {
                return Verdict.EXPIRED;
            }
            while (sessions.size() >= limits.maxSessions()) {
                evictOldest();
            }
            session = new ClientSession(entry.clientId(), logTime);
        }
        // Re-inserted last: the most recently active, whatever the verdict.
        writableSessions().put(entry.clientId(), session);
        session.touch(logTime);
        Verdict known = lookup(entry.clientId(), entry.sequence());
        if (known != null) {
            return known;
        }
        session.record(new ClientSession.AppliedRequest(entry.sequence(), entry.index(), entry.time()),
                limits.resultsPerSession());
        return new Verdict(Verdict.Outcome.APPLIED, entry.index(), entry.time());
    }

    /** The sessions, as a map that takes new ones (kept from the least to the most recently active). */
    private Map<Long, ClientSession> writableSessions() {
        if (!(sessions instanceof LinkedHashMap)) {
            sessions = new LinkedHashMap<>();
        }
        return sessions;
    }

    private void expire() {
        Iterator<ClientSession> oldestFirst = sessions.values().iterator();
        while (oldestFirst.hasNext()) {
            if (logTime.physical() - oldestFirst.next().lastActivity().physical() <= limits.ttlMillis()) {
                return;
            }
            oldestFirst.remove();
        }
    }

    private void evictOldest() {
        Iterator<ClientSession> oldestFirst = sessions.values().iterator();
        oldestFirst.next();
        oldestFirst.remove();
    }

    // ------------------------------------------------------------------ snapshot state, for SessionCodec

    List<ClientSession> sessionsOldestFirst() {
        return new ArrayList<>(sessions.values());
    }

    NavigableSet<Long> refused() {
        return refused;
    }

    /** Sets the state restored from a snapshot, trimming it to this window's limits if they are smaller. */
    void restore(long restoredIndex, HLCTimestamp restoredLogTime, List<ClientSession> oldestFirst,
                 List<Long> refusedIndices) {
        appliedIndex = restoredIndex;
        logTime = restoredLogTime;
        sessions = Collections.emptyMap();
        for (ClientSession session : oldestFirst) {
            session.trim(limits.resultsPerSession());
            writableSessions().put(session.clientId(), session);
        }
        while (sessions.size() > limits.maxSessions()) {
            evictOldest();
        }
        refused = refusedIndices.isEmpty() ? Collections.emptyNavigableSet() : new TreeSet<>(refusedIndices);
    }

    SessionLimits limits() {
        return limits;
    }
}
