package io.kommander.internal.partition;

import io.kommander.RaftReplicationResult;
import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Writes waiting for commitment on a leader, and the tickets of manual proposals: open ones (proposed, waiting for
 * a commit or rollback entry) and settled ones (so that asking again answers what the first settlement answered).
 * Tickets are derived from the log itself on every replica, so a new leader, or a replica restored from its WAL,
 * can settle a ticket proposed under another leader. A settled ticket is remembered as long as its settlement is in
 * the log, that is until compaction removes it; an open one until it is settled (by a client or by its
 * time-to-live) or truncated. A write with a request id may be answered by its entry's session verdict rather
 * than by the entry itself ({@link #recordOutcome}): the entry repeated an applied request, say.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class ProposalTracker {

    /** A write on this leader that completes when {@code lastIndex} commits. */
    record Pending(long requestId, long lastIndex, long term, HLCTimestamp ticket, long deadline) {
    }

    /** Where a manual proposal's entries start and the type string they carry. */
    record OpenTicket(long firstIndex, String logType) {
    }

    /** How a ticket was settled: the index of its commit or rollback entry, and which of the two it is. */
    record Settlement(long index, boolean commit) {
    }

    /** What the log says of one ticket. */
    private static final class Ticket {
        /** The index of its first proposed entry; 0 if that is not in the log (compacted before a restore). */
        final long firstIndex;
        final String logType;
        /** Null while open. */
        Settlement settlement;
        /** When this replica, leading, first saw it open (leader time), or -1: where its time-to-live starts. */
        long openSince = -1;

        Ticket(long firstIndex, String logType) {
            this.firstIndex = firstIndex;
            this.logType = logType;
        }
    }

    // Each table is a shared empty one until the first write or ticket needs it ({@link #track},
    // {@link #ticketTables}): most replicas of a node with thousands of partitions never lead a write or see a ticket.
    private CommitWaiters pending = CommitWaiters.EMPTY;
    private Map<HLCTimestamp, Ticket> tickets = Collections.emptyMap();
    /** The open tickets, by the index of their first entry. */
    private NavigableMap<Long, HLCTimestamp> open = Collections.emptyNavigableMap();
    /** The settled tickets, by the index of their settlement. */
    private NavigableMap<Long, HLCTimestamp> settled = Collections.emptyNavigableMap();
    /** Answers decided when the entry at an index applied, for the writes waiting on that index. */
    private Map<Long, RaftReplicationResult> outcomes = Collections.emptyMap();

    private void ticketTables() {
        if (!(tickets instanceof HashMap)) {
            tickets = new HashMap<>();
            open = new TreeMap<>();
            settled = new TreeMap<>();
        }
    }

    // ------------------------------------------------------------------ writes waiting on this leader

    void track(Pending write) {
        if (pending == CommitWaiters.EMPTY) {
            pending = new CommitWaiters();
        }
        pending.add(write);
    }

    /** The entry at {@code index} applied with this answer for the writes waiting on it (if any wait). */
    void recordOutcome(long index, RaftReplicationResult result) {
        if (pending.waitsOn(index)) {
            if (!(outcomes instanceof HashMap)) {
                outcomes = new HashMap<>();
            }
            outcomes.put(index, result);
        }
    }

    /** The answer recorded for writes waiting on {@code index} ({@link #recordOutcome}), or null. */
    RaftReplicationResult outcome(long index) {
        // Most writes have no recorded answer: asking an empty map would still box the index.
        return outcomes.isEmpty() ? null : outcomes.get(index);
    }

    /** Removes and returns the writes whose last index is at or below {@code commitIndex}. */
    List<Pending> takeCommitted(long commitIndex) {
        if (!outcomes.isEmpty()) {
            // Outcomes of writes taken by an earlier call: those taken now are read by the caller after this returns.
            outcomes.keySet().removeIf(index -> index <= commitIndex && !pending.waitsOn(index));
        }
        return pending.takeThrough(commitIndex);
    }

    /** Removes and returns the writes whose deadline has passed. */
    List<Pending> takeExpired(long now) {
        return pending.takeExpired(now);
    }

    /** Removes and returns every pending write (on losing leadership). */
    List<Pending> takeAll() {
        outcomes = Collections.emptyMap();
        return pending.takeAll();
    }

    // ------------------------------------------------------------------ the ticket table, kept from the log

    /** Follows an entry appended to the log (on any replica, restored ones included). */
    void onAppended(LogEntry entry) {
        HLCTimestamp time = entry.time();
        switch (entry.kind()) {
            case PROPOSED -> {
                ticketTables();
                if (!tickets.containsKey(time)) {
                    tickets.put(time, new Ticket(entry.index(), entry.logType()));
                    open.put(entry.index(), time);
                }
            }
            case COMMIT, ROLLBACK -> {
                ticketTables();
                Ticket ticket = tickets.computeIfAbsent(time, t -> new Ticket(0, entry.logType()));
                if (ticket.settlement == null) {
                    ticket.settlement = new Settlement(entry.index(), entry.kind() == EntryKind.COMMIT);
                    open.remove(ticket.firstIndex);
                    settled.put(entry.index(), time);
                }
            }
            default -> {
            }
        }
    }

    /** Forgets what entries after {@code index} said (truncated on a follower): their tickets, or settlements. */
    void onTruncated(long index) {
        Iterator<HLCTimestamp> unsettled = settled.tailMap(index, false).values().iterator();
        while (unsettled.hasNext()) {
            HLCTimestamp time = unsettled.next();
            Ticket ticket = tickets.get(time);
            ticket.settlement = null;
            if (ticket.firstIndex == 0) {
                tickets.remove(time);
            } else {
                open.put(ticket.firstIndex, time);
            }
            unsettled.remove();
        }
        Iterator<HLCTimestamp> gone = open.tailMap(index, false).values().iterator();
        while (gone.hasNext()) {
            tickets.remove(gone.next());
            gone.remove();
        }
    }

    /** The log was compacted up to {@code index}: tickets settled there are gone from it, and forgotten. */
    void onCompacted(long index) {
        Iterator<HLCTimestamp> gone = settled.headMap(index, true).values().iterator();
        while (gone.hasNext()) {
            tickets.remove(gone.next());
            gone.remove();
        }
    }

    /** The open (proposed, not yet settled) ticket, or null. */
    OpenTicket openTicket(HLCTimestamp ticket) {
        Ticket known = tickets.get(ticket);
        return known == null || known.settlement != null ? null : new OpenTicket(known.firstIndex, known.logType);
    }

    /** How the ticket was settled, or null if it is open or unknown. */
    Settlement settlement(HLCTimestamp ticket) {
        Ticket known = tickets.get(ticket);
        return known == null ? null : known.settlement;
    }

    /** Whether no write waits for commitment and no manual proposal is open: nothing for time to do. */
    boolean isEmpty() {
        return pending.isEmpty() && open.isEmpty();
    }

    /** Whether any proposal is open. */
    boolean hasOpen() {
        return !open.isEmpty();
    }

    /**
     * The highest index compaction may reach without removing the entries of a proposal that is open, or whose
     * settlement is not committed yet (a truncation could reopen it); {@code Long.MAX_VALUE} if none.
     */
    long compactionLimit(long commitIndex) {
        long first = open.isEmpty() ? Long.MAX_VALUE : open.firstKey();
        for (HLCTimestamp time : settled.tailMap(commitIndex, false).values()) {
            long start = tickets.get(time).firstIndex;
            if (start > 0) {
                first = Math.min(first, start);
            }
        }
        return first == Long.MAX_VALUE ? Long.MAX_VALUE : first - 1;
    }

    /**
     * The open tickets whose time-to-live has run out on this leader: a ticket's time starts at the first call that
     * sees it open, so each is given at least {@code timeToLive} from when this replica, leading, first saw it.
     */
    List<HLCTimestamp> takeAbandoned(long now, long timeToLive) {
        List<HLCTimestamp> abandoned = new ArrayList<>();
        for (HLCTimestamp time : open.values()) {
            Ticket ticket = tickets.get(time);
            if (ticket.openSince < 0) {
                ticket.openSince = now;
            } else if (now - ticket.openSince >= timeToLive) {
                abandoned.add(time);
            }
        }
        return abandoned;
    }
}
