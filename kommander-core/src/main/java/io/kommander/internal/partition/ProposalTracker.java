package io.kommander.internal.partition;

import io.kommander.RaftReplicationResult;
import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes waiting for commitment on a leader, and the tickets of manual proposals waiting for a commit or
 * rollback entry. Tickets are derived from the log itself on every replica, so a new leader can settle a ticket
 * proposed under the old one. A write with a request id may be answered by its entry's session verdict rather
 * than by the entry itself ({@link #recordOutcome}): the entry repeated an applied request, say.
 */
final class ProposalTracker {

    /** A write on this leader that completes when {@code lastIndex} commits. */
    record Pending(long requestId, long lastIndex, long term, HLCTimestamp ticket, long deadline) {
    }

    /** Where a manual proposal's entries start and the type string they carry. */
    record OpenTicket(long firstIndex, String logType, boolean checkpoint) {
    }

    private final TreeMap<Long, List<Pending>> pending = new TreeMap<>();
    private final Map<HLCTimestamp, OpenTicket> opened = new HashMap<>();
    private final Map<HLCTimestamp, Long> settledAt = new HashMap<>();
    /** Answers decided when the entry at an index applied, for the writes waiting on that index. */
    private final Map<Long, RaftReplicationResult> outcomes = new HashMap<>();

    void track(Pending write) {
        pending.computeIfAbsent(write.lastIndex(), k -> new ArrayList<>(1)).add(write);
    }

    /** The entry at {@code index} applied with this answer for the writes waiting on it (if any wait). */
    void recordOutcome(long index, RaftReplicationResult result) {
        if (pending.containsKey(index)) {
            outcomes.put(index, result);
        }
    }

    /** The answer recorded for writes waiting on {@code index} ({@link #recordOutcome}), or null. */
    RaftReplicationResult outcome(long index) {
        return outcomes.get(index);
    }

    /** Removes and returns the writes whose last index is at or below {@code commitIndex}. */
    List<Pending> takeCommitted(long commitIndex) {
        // Outcomes of writes taken by an earlier call: those taken now are read by the caller after this returns.
        outcomes.keySet().removeIf(index -> index <= commitIndex && !pending.containsKey(index));
        List<Pending> done = new ArrayList<>();
        Iterator<Map.Entry<Long, List<Pending>>> it = pending.headMap(commitIndex, true).entrySet().iterator();
        while (it.hasNext()) {
            done.addAll(it.next().getValue());
            it.remove();
        }
        return done;
    }

    /** Removes and returns the writes whose deadline has passed. */
    List<Pending> takeExpired(long now) {
        List<Pending> expired = new ArrayList<>();
        Iterator<Map.Entry<Long, List<Pending>>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            List<Pending> list = it.next().getValue();
            list.removeIf(p -> {
                if (p.deadline() <= now) {
                    expired.add(p);
                    return true;
                }
                return false;
            });
            if (list.isEmpty()) {
                it.remove();
            }
        }
        return expired;
    }

    /** Removes and returns every pending write (on losing leadership). */
    List<Pending> takeAll() {
        List<Pending> all = new ArrayList<>();
        pending.values().forEach(all::addAll);
        pending.clear();
        outcomes.clear();
        return all;
    }

    /** Follows an entry appended to the log (on any replica) to keep the ticket table current. */
    void onAppended(LogEntry entry) {
        switch (entry.kind()) {
            case PROPOSED -> opened.putIfAbsent(entry.time(), new OpenTicket(entry.index(), entry.logType(), false));
            case COMMIT, ROLLBACK -> settledAt.putIfAbsent(entry.time(), entry.index());
            default -> {
            }
        }
    }

    /** Forgets tickets opened or settled by entries after {@code index} (truncated on a follower). */
    void onTruncated(long index) {
        opened.values().removeIf(t -> t.firstIndex() > index);
        settledAt.values().removeIf(i -> i > index);
    }

    /** Forgets tickets whose settlement is committed: they can never reopen. */
    void onCommitted(LogEntry entry) {
        if (entry.kind() == EntryKind.COMMIT || entry.kind() == EntryKind.ROLLBACK) {
            opened.remove(entry.time());
            settledAt.remove(entry.time());
        }
    }

    /** The open (proposed, not yet settled) ticket, or null. */
    OpenTicket openTicket(HLCTimestamp ticket) {
        return settledAt.containsKey(ticket) ? null : opened.get(ticket);
    }
}
