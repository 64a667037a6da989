package io.kommander.internal.partition;

import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.transport.RaftMessage.AppendLogsResponse;
import io.kommander.transport.RaftMessage.InstallSnapshot;
import io.kommander.transport.RaftMessage.InstallSnapshotResponse;
import io.kommander.wal.LogEntry;

import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A leader's replication engine: one {@link FollowerProgress} per follower, and the rules for what to send each
 * of them (pipelined entries within the window, probes, heartbeats anchored at the known match, WAL reads for
 * followers behind the log cache) and how acknowledgements and rejections move their state. The state machine
 * owns it and decides what commits; this class only tracks and sends.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class LeaderReplicator {

    /** Heartbeat intervals an election timeout must span at least for a round to skip a follower sent entries. */
    static final int SKIP_MARGIN = 4;

    /** What every AppendLogs of the current leader carries besides its entries. */
    record Stamp(long term, long commitIndex, long round, long safeCompactIndex) {
    }

    private final int partition;
    private final PartitionLog log;
    private final PartitionSettings settings;
    private final Snapshots snapshots;
    private final Set<PlantedBug> plantedBugs;
    private final Map<String, FollowerProgress> progress = new LinkedHashMap<>();
    /** Sends refused because the follower needs compacted entries and there is no snapshot to send instead. */
    private long compactedGaps;

    LeaderReplicator(int partition, PartitionLog log, PartitionSettings settings, Snapshots snapshots,
                     Set<PlantedBug> plantedBugs) {
        this.partition = partition;
        this.log = log;
        this.settings = settings;
        this.snapshots = snapshots;
        this.plantedBugs = plantedBugs;
    }

    /** Starts tracking every follower from the end of the leader's log. */
    void start(List<String> peers, long now) {
        progress.clear();
        for (String peer : peers) {
            progress.put(peer, new FollowerProgress(peer, log.lastIndex() + 1, settings.maxInflight(), now));
        }
    }

    /** Starts tracking {@code peer} (a member added while leading) from the end of the leader's log. */
    void track(String peer, long now) {
        progress.computeIfAbsent(peer,
                p -> new FollowerProgress(p, log.lastIndex() + 1, settings.maxInflight(), now));
    }

    /**
     * Stops tracking every follower that {@code configuration} no longer holds (removed by it). Called at every
     * commit, so it builds no list of members: one pass over the followers.
     */
    void retainOnly(Configuration configuration) {
        for (Iterator<String> peers = progress.keySet().iterator(); peers.hasNext(); ) {
            if (!configuration.contains(peers.next())) {
                peers.remove();
            }
        }
    }

    /** The partition fell asleep: its followers' in-flight windows give their memory back until it wakes. */
    void releaseWindows() {
        for (FollowerProgress pr : progress.values()) {
            pr.inflights.release();
        }
    }

    /** Forgets every follower (leadership lost). */
    void stop() {
        progress.clear();
        snapshots.release();
    }

    /**
     * Whether a follower that answers is being sent a snapshot: the leader then takes no newer one, which would send
     * it again from its start (a follower that stops answering holds nothing back once its patience has grown).
     */
    boolean sendingSnapshot() {
        if (plantedBugs.contains(PlantedBug.SNAPSHOT_REPLACED_MID_TRANSFER)) {
            return false;
        }
        for (FollowerProgress pr : progress.values()) {
            if (pr.state == FollowerProgress.State.SNAPSHOT && pr.chunkPatience == FollowerProgress.FIRST_CHUNK_PATIENCE) {
                return true;
            }
        }
        return false;
    }

    FollowerProgress follower(String peer) {
        return progress.get(peer);
    }

    Collection<FollowerProgress> followers() {
        return progress.values();
    }

    long compactedGaps() {
        return compactedGaps;
    }

    /**
     * A heartbeat period passed: re-probe silent probes and stalled pipelines, then send everyone what they are
     * owed, and a heartbeat to each follower that was sent no entries since the previous round. Appends carry the
     * term and commit a heartbeat would, so a follower kept busy gets no heartbeats, and one whose last append went
     * out just after a round hears from this leader again within two heartbeat intervals (an election timeout is ten
     * by default): its election timer never fires while appends reach it, and it learns a commit at most one
     * interval later than with every heartbeat sent. With an election timeout below {@value #SKIP_MARGIN} heartbeat
     * intervals nothing is skipped: two intervals of silence would come too close to it.
     */
    void heartbeat(Stamp stamp, Ready ready, long now) {
        releaseSnapshotIfUnused();
        for (FollowerProgress pr : progress.values()) {
            if (pr.state == FollowerProgress.State.PROBE) {
                pr.probeSent = false;
            } else if (pr.state == FollowerProgress.State.SNAPSHOT) {
                pr.chunkUnanswered(!plantedBugs.contains(PlantedBug.SNAPSHOT_RESENT_WITHOUT_BACKOFF));
            } else if (pr.inflights.count() > 0 && now - pr.lastProgressAt >= 2 * settings.heartbeatMillis()) {
                // No progress for two heartbeats: assume losses and probe from the last known match.
                pr.becomeProbe();
            }
        }
        boolean skipForGood = plantedBugs.contains(PlantedBug.HEARTBEATS_SKIPPED_FOR_GOOD);
        boolean maySkip = settings.electionMinMillis() >= SKIP_MARGIN * settings.heartbeatMillis();
        for (FollowerProgress pr : progress.values()) {
            boolean contacted = pr.contactedThisRound && maySkip;
            pr.contactedThisRound = skipForGood && contacted;
            send(pr, stamp, ready, !contacted);
        }
    }

    /** Sends pending entries to every follower within its window; with {@code heartbeat}, at least a heartbeat. */
    void broadcast(Stamp stamp, Ready ready, boolean heartbeat) {
        for (FollowerProgress pr : progress.values()) {
            send(pr, stamp, ready, heartbeat);
        }
    }

    /** Sends one follower its pending entries within its window; with {@code heartbeat}, at least a heartbeat. */
    private void send(FollowerProgress pr, Stamp stamp, Ready ready, boolean heartbeat) {
        if (pr.state == FollowerProgress.State.SNAPSHOT) {
            sendChunk(pr, stamp, ready);
        }
        boolean sent = false;
        while (pr.canSendEntries() && pr.nextIndex <= log.lastIndex() && !pr.readPending) {
            if (!sendAppend(pr, stamp, ready)) {
                break;
            }
            sent = true;
        }
        if (heartbeat && !sent) {
            sendHeartbeat(pr, stamp, ready);
        }
    }

    /** Sends a heartbeat to every follower (a ReadIndex round). */
    void heartbeatAll(Stamp stamp, Ready ready) {
        for (FollowerProgress pr : progress.values()) {
            sendHeartbeat(pr, stamp, ready);
        }
    }

    /** The latest snapshot was read back from the WAL: send the next chunk to every follower waiting for one. */
    void snapshotLoaded(Stamp stamp, Ready ready) {
        for (FollowerProgress pr : progress.values()) {
            if (pr.state == FollowerProgress.State.SNAPSHOT) {
                sendChunk(pr, stamp, ready);
            }
        }
    }

    /** Drops the snapshot's bytes unless some follower is being sent a snapshot. */
    private void releaseSnapshotIfUnused() {
        for (FollowerProgress pr : progress.values()) {
            if (pr.state == FollowerProgress.State.SNAPSHOT) {
                return;
            }
        }
        snapshots.release();
    }

    /**
     * Entries read from the WAL for a follower behind the cache: send them if it still needs exactly those. The log
     * may have been compacted past them while the read ran (seed 57187): then the term of the entry before them is
     * gone, so they cannot be anchored, and the follower gets what a compacted gap gets (a snapshot) at once.
     */
    void entriesRead(String peer, List<LogEntry> entries, Stamp stamp, Ready ready) {
        FollowerProgress pr = progress.get(peer);
        if (pr == null) {
            return;
        }
        pr.readPending = false;
        if (entries.isEmpty() || entries.get(0).index() != pr.nextIndex || !pr.canSendEntries()) {
            return;
        }
        if (pr.nextIndex <= log.compacted().index()
                && !plantedBugs.contains(PlantedBug.STALE_READ_SENT_PAST_COMPACTION)) {
            sendAppend(pr, stamp, ready);
        } else {
            sendEntries(pr, entries, stamp, ready);
        }
    }

    /** A catch-up read failed; the follower is served again on the next heartbeat. */
    void readFailed(String peer) {
        FollowerProgress pr = progress.get(peer);
        if (pr != null) {
            pr.readPending = false;
        }
    }

    /** Applies a follower's acknowledgement or rejection to its progress. */
    void onResponse(FollowerProgress pr, AppendLogsResponse response, long now) {
        pr.heardFrom(now);
        if (pr.state == FollowerProgress.State.SNAPSHOT) {
            // Answers to heartbeats while the snapshot goes: the follower's log is behind them, nothing to learn.
            return;
        }
        if (response.success()) {
            long matchedBefore = pr.matchIndex;
            pr.matchIndex = Math.max(pr.matchIndex, response.matchIndex());
            pr.nextIndex = Math.max(pr.nextIndex, pr.matchIndex + 1);
            pr.inflights.freeThrough(pr.matchIndex);
            if (pr.matchIndex > matchedBefore || pr.inflights.count() == 0) {
                // Only real progress counts: a heartbeat acknowledgement must not hide a lost pipelined append.
                pr.lastProgressAt = now;
            }
            if (pr.state == FollowerProgress.State.PROBE && pr.matchIndex >= pr.nextIndex - 1) {
                // The probe itself was accepted (a heartbeat ack below it proves less): start pipelining.
                pr.becomeReplicate();
            } else if (pr.state == FollowerProgress.State.PROBE) {
                pr.probeSent = false;
            }
            pr.ackedRound = Math.max(pr.ackedRound, response.round());
        } else if (response.matchIndex() < pr.matchIndex) {
            // The follower no longer holds what it acknowledged: its storage was wiped (or the rejection is stale,
            // which looks the same). Lowering is always safe: commit never goes back, and the compaction limit
            // (safeCompactIndex) only gets more conservative. Probe from its hint.
            pr.matchIndex = response.matchIndex();
            pr.becomeProbe();
        } else if (response.matchIndex() + 1 < pr.nextIndex || pr.state == FollowerProgress.State.REPLICATE) {
            // Rejected: back off to just after the follower's hint (its last index or conflict run start).
            long previousNext = pr.nextIndex;
            pr.becomeProbe();
            pr.nextIndex = Math.max(pr.matchIndex + 1, Math.min(previousNext - 1, response.matchIndex() + 1));
        } else {
            pr.probeSent = false;
        }
    }

    /**
     * Applies a follower's answer to a snapshot chunk; returns whether it installed the snapshot (its match index
     * moved to the boundary, and it is probed from there).
     */
    boolean onSnapshotResponse(FollowerProgress pr, InstallSnapshotResponse response, long now) {
        pr.heardFrom(now);
        if (pr.state != FollowerProgress.State.SNAPSHOT || response.index() != pr.snapshotIndex
                || response.wholeCrc() != pr.snapshotCrc) {
            return false;
        }
        pr.chunkSent = false;
        pr.lastProgressAt = now;
        if (response.installed()) {
            pr.matchIndex = Math.max(pr.matchIndex, response.index());
            pr.becomeProbe();
            releaseSnapshotIfUnused();
            return true;
        }
        Snapshots.Local latest = snapshots.latest();
        pr.snapshotHeld = latest == null ? 0 : Math.max(0, Math.min(response.heldBytes(), latest.length()));
        return false;
    }

    /**
     * Whether every follower holds the whole log through {@code lastIndex} and nothing is in flight to it: the
     * leader could quiesce. Followers in PROBE or SNAPSHOT, or waiting for a WAL read, are still being caught up.
     */
    boolean allCaughtUp(long lastIndex) {
        for (FollowerProgress pr : progress.values()) {
            if (pr.state != FollowerProgress.State.REPLICATE || pr.matchIndex != lastIndex
                    || pr.inflights.count() > 0 || pr.readPending) {
                return false;
            }
        }
        return true;
    }

    /** Whether every follower acknowledged heartbeat round {@code round} (or a later one). */
    boolean allAcknowledged(long round) {
        for (FollowerProgress pr : progress.values()) {
            if (pr.ackedRound < round) {
                return false;
            }
        }
        return true;
    }

    /** The followers' endpoints, in order. */
    Collection<String> peers() {
        return progress.keySet();
    }

    /**
     * The leader woke from quiescence: time since the last progress is not a stall (the pipeline was empty), so
     * every follower's clock starts now.
     */
    void awaken(long now) {
        for (FollowerProgress pr : progress.values()) {
            pr.lastProgressAt = now;
        }
    }

    /** Followers that {@code counts} heard from since the last call, which starts a new check-quorum period. */
    int takeActiveCount(Predicate<String> counts) {
        int active = 0;
        for (FollowerProgress pr : progress.values()) {
            if (pr.recentActive && counts.test(pr.peer)) {
                active++;
            }
            pr.recentActive = false;
        }
        return active;
    }

    /**
     * One match index per member of {@code members}, for the commit rule: the leader's own durable index for
     * {@code self}, and 0 for a member not tracked (yet).
     */
    long[] matchIndices(Collection<String> members, String self, long selfDurable) {
        long[] matches = new long[members.size()];
        int i = 0;
        for (String member : members) {
            FollowerProgress pr = progress.get(member);
            matches[i++] = member.equals(self) ? selfDurable : pr == null ? 0 : pr.matchIndex;
        }
        return matches;
    }

    /** The largest distance, in entries, from a follower's match index to {@code lastIndex}; 0 with no followers. */
    long maxLag(long lastIndex) {
        long lag = 0;
        for (FollowerProgress pr : progress.values()) {
            lag = Math.max(lag, lastIndex - pr.matchIndex);
        }
        return lag;
    }

    /** The lowest index every member holds durably. */
    long minMatch(long selfDurable) {
        long min = selfDurable;
        for (FollowerProgress pr : progress.values()) {
            min = Math.min(min, pr.matchIndex);
        }
        return min;
    }

    /** Sends entries from the follower's next index; false if none could be sent (not cached, or compacted). */
    private boolean sendAppend(FollowerProgress pr, Stamp stamp, Ready ready) {
        if (pr.nextIndex <= log.compacted().index()) {
            Snapshots.Local latest = snapshots.latest();
            if (snapshots.enabled() && latest != null && latest.boundary().index() >= log.compacted().index()) {
                pr.becomeSnapshot(latest.boundary().index(), latest.crc());
                sendChunk(pr, stamp, ready);
            } else {
                // Entries the follower needs are gone and there is no snapshot: without snapshots, compaction waits
                // for every member (safeCompactIndex), so only a member whose storage was wiped gets here.
                compactedGaps++;
            }
            return false;
        }
        List<LogEntry> entries = log.entries(pr.nextIndex, settings.maxEntriesPerAppend(),
                settings.maxBytesPerAppend());
        if (entries == null) {
            pr.readPending = true;
            long to = Math.min(log.lastIndex(), pr.nextIndex + settings.maxEntriesPerAppend() - 1);
            ready.catchUpReads.add(new Ready.CatchUpRead(pr.peer, stamp.term(), pr.nextIndex, to));
            return false;
        }
        if (entries.isEmpty()) {
            return false;
        }
        sendEntries(pr, entries, stamp, ready);
        return true;
    }

    private void sendEntries(FollowerProgress pr, List<LogEntry> entries, Stamp stamp, Ready ready) {
        long prev = entries.get(0).index() - 1;
        long last = entries.get(entries.size() - 1).index();
        ready.messages.add(new Ready.Outbound(pr.peer, new AppendLogs(partition, stamp.term(), prev,
                log.termAt(prev), entries, stamp.commitIndex(), stamp.round(), stamp.safeCompactIndex())));
        pr.contactedThisRound = true;
        if (pr.state == FollowerProgress.State.REPLICATE) {
            pr.inflights.add(last);
            pr.nextIndex = last + 1;
        } else {
            pr.probeSent = true;
        }
    }

    /**
     * Sends the next chunk of the snapshot to a follower in SNAPSHOT state, unless one is out or the node's budget
     * is spent (the next heartbeat tries again). A newer snapshot than the one being sent replaces it from its start.
     */
    private void sendChunk(FollowerProgress pr, Stamp stamp, Ready ready) {
        Snapshots.Local latest = snapshots.latest();
        if (pr.chunkSent || latest == null) {
            return;
        }
        if (latest.boundary().index() != pr.snapshotIndex || latest.crc() != pr.snapshotCrc) {
            pr.becomeSnapshot(latest.boundary().index(), latest.crc());
        }
        byte[] encoded = snapshots.loaded();
        if (encoded == null) {
            // The bytes are in the WAL only: read them back (snapshotLoaded sends on), at most one read at a time.
            ready.snapshotRead |= snapshots.startLoading();
            return;
        }
        // A follower that holds it all is installing it (and answers when done), or failed to: then from the start.
        int from = pr.snapshotHeld < encoded.length ? (int) pr.snapshotHeld : 0;
        byte[] data = Arrays.copyOfRange(encoded, from, (int) Math.min(encoded.length,
                (long) from + snapshots.chunkBytes()));
        if (!snapshots.throttle().tryTake(data.length)) {
            return;
        }
        ready.messages.add(new Ready.Outbound(pr.peer, new InstallSnapshot(partition, stamp.term(),
                latest.boundary().index(), latest.boundary().term(), encoded.length, latest.crc(), from, data,
                SnapshotImage.crc(data, 0, data.length))));
        pr.chunkSent = true;
        pr.chunkHeartbeats = 0;
    }

    private void sendHeartbeat(FollowerProgress pr, Stamp stamp, Ready ready) {
        // Anchored at the known match, so a heartbeat never disturbs replication state on either side.
        long prev = Math.max(pr.matchIndex, log.compacted().index());
        // The whole commit index, not clamped to the match: the follower commits no further than the anchor anyway,
        // and a replica catching up after a wipe needs the leader's real commit index to know it caught up.
        ready.messages.add(new Ready.Outbound(pr.peer, new AppendLogs(partition, stamp.term(), prev,
                log.termAt(prev), List.of(), stamp.commitIndex(), stamp.round(), stamp.safeCompactIndex())));
    }
}
