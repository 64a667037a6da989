package io.kommander.internal.partition;

import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.RequestId;
import io.kommander.internal.session.ClientSessions;
import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Turns the writes a leader takes into entries of its log: client writes (answering a retried request from the
 * client sessions), the commit or rollback of a manual proposal, and one-member configuration changes; each waits
 * in the {@link ProposalTracker} until applied here. {@link Leadership} calls it only while it leads.
 *
 * <p>Not thread-safe: owned by the partition's executor.
 */
final class LeaderWrites {

    /** What taking writes needs of the leader. */
    interface Leader {
        /** The term this replica leads. */
        long term();

        /** The no-op entry appended on election: no configuration change before it commits. */
        long barrierIndex();

        /** Appends entries of this term; followers are owed them at the next flush. */
        void append(List<LogEntry> entries);

        /** Commits what a majority holds durably, if it is of this term. */
        void maybeCommit(Ready ready);
    }

    private final String self;
    private final PartitionSettings settings;
    private final ReplicaLog replicaLog;
    private final PartitionLog log;
    private final ProposalTracker proposals;
    private final EnumSet<PlantedBug> plantedBugs;
    private final LeaderReplicator replicator;
    private final LeadershipTransfer transfer;
    private final Leader leader;

    LeaderWrites(String self, PartitionSettings settings, ReplicaLog replicaLog, ProposalTracker proposals,
                 EnumSet<PlantedBug> plantedBugs, LeaderReplicator replicator, LeadershipTransfer transfer,
                 Leader leader) {
        this.self = self;
        this.settings = settings;
        this.replicaLog = replicaLog;
        this.log = replicaLog.log();
        this.proposals = proposals;
        this.plantedBugs = plantedBugs;
        this.replicator = replicator;
        this.transfer = transfer;
        this.leader = leader;
    }

    /**
     * Appends a write: one entry per payload, one ticket, completing when the last entry is applied here. A
     * checkpoint is refused while a manual proposal is open: compaction up to it would remove the proposal's entries.
     */
    void propose(long requestId, EntryKind kind, String logType, List<byte[]> payloads, HLCTimestamp ticket,
                 long now, Ready ready) {
        propose(requestId, kind, logType, payloads, ticket, null, now, ready);
    }

    /**
     * Appends a write as {@link #propose(long, EntryKind, String, List, HLCTimestamp, long, Ready)} does; with a
     * client request id (one payload only), a request the sessions know is answered with its original result, and
     * one whose entry is already in the log waits for that entry instead of appending another.
     */
    void propose(long requestId, EntryKind kind, String logType, List<byte[]> payloads, HLCTimestamp ticket,
                 RequestId clientRequest, long now, Ready ready) {
        if (transfer.inProgress()) {
            ready.failWrite(requestId, RaftOperationStatus.LeadershipTransferInProgress, null, ticket);
            return;
        }
        if (kind == EntryKind.CHECKPOINT && proposals.hasOpen()) {
            ready.failWrite(requestId, RaftOperationStatus.ActiveProposal, null, ticket);
            return;
        }
        if (clientRequest != null && payloads.size() != 1) {
            throw new IllegalArgumentException("a write with a request id has one payload, not " + payloads.size());
        }
        if (clientRequest != null && !plantedBugs.contains(PlantedBug.IGNORE_REQUEST_IDS)
                && joinedKnownRequest(requestId, clientRequest, now, ready)) {
            return;
        }
        long clientId = clientRequest == null ? 0 : clientRequest.clientId();
        long sequence = clientRequest == null ? 0 : clientRequest.sequence();
        List<LogEntry> entries = new ArrayList<>(payloads.size());
        long index = log.lastIndex();
        for (byte[] payload : payloads) {
            entries.add(new LogEntry(++index, leader.term(), kind, ticket, logType, payload, clientId, sequence));
        }
        leader.append(entries);
        awaitCommit(requestId, index, leader.term(), ticket, now);
        if (kind == EntryKind.CONFIGURATION) {
            leader.maybeCommit(ready);
        }
        // Any other append leaves every input of the commit rule as it was when last applied (each change of a
        // durable or match index applies it): this leader counts itself only up to its durable index, which is at
        // most the log's end before the append, and only a configuration entry changes who is counted. Applying it
        // on every write cost a match-index table and a quorum sort per write at saturation.
    }

    /**
     * Answers a request the client sessions have decided, or makes it wait for its entry already in the log.
     * Returns false if the request is new: it is to be appended.
     */
    private boolean joinedKnownRequest(long requestId, RequestId clientRequest, long now, Ready ready) {
        ClientSessions.Lookup found = replicaLog.sessions().find(clientRequest);
        if (found.answer() != null) {
            ready.completions.add(new Ready.Completion(requestId, found.answer().result()));
            return true;
        }
        if (found.inLog() != null) {
            LogEntry entry = found.inLog();
            awaitCommit(requestId, entry.index(), entry.term(), entry.time(), now);
            return true;
        }
        return false;
    }

    /**
     * Appends the commit (or rollback) entry of a manual proposal identified by its ticket. Asking again for a
     * settlement already in the log answers as the first request does (success at the same index once it commits);
     * asking for the other one, or for an unknown ticket, answers ProposalNotFound.
     */
    void settle(long requestId, HLCTimestamp ticket, boolean commit, long now, Ready ready) {
        if (transfer.inProgress()) {
            ready.failWrite(requestId, RaftOperationStatus.LeadershipTransferInProgress, null, ticket);
            return;
        }
        ProposalTracker.Settlement settled = proposals.settlement(ticket);
        if (settled != null && settled.commit() == commit) {
            if (settled.index() <= replicaLog.appliedIndex()) {
                ready.completions.add(new Ready.Completion(requestId,
                        RaftReplicationResult.success(ticket, settled.index())));
            } else {
                awaitCommit(requestId, settled.index(), log.termAt(settled.index()), ticket, now);
            }
            return;
        }
        if (proposals.openTicket(ticket) == null) {
            ready.failWrite(requestId, RaftOperationStatus.ProposalNotFound, null, ticket);
            return;
        }
        awaitCommit(requestId, appendSettlement(ticket, commit), leader.term(), ticket, now);
        leader.maybeCommit(ready);
    }

    /**
     * Changes the configuration by one member, one change at a time: the new configuration is in effect once
     * appended, and the request completes when it commits. Refused while another change (or this leader's barrier)
     * is not committed, and as {@link ConfigurationChanges#decide} says.
     */
    void changeConfiguration(long requestId, ConfigurationChange change, long now, Ready ready) {
        if (transfer.inProgress()) {
            ready.failWrite(requestId, RaftOperationStatus.LeadershipTransferInProgress, null, HLCTimestamp.ZERO);
            return;
        }
        boolean changing = replicaLog.configurationChangePending()
                || replicaLog.commitIndex() < leader.barrierIndex();
        if (changing && !plantedBugs.contains(PlantedBug.TWO_CHANGES_AT_ONCE)) {
            ready.failWrite(requestId, RaftOperationStatus.MembershipChangeInProgress, null, HLCTimestamp.ZERO);
            return;
        }
        Configuration current = replicaLog.configuration();
        boolean skipCatchUpCheck = change.kind() == ConfigurationChange.Kind.PROMOTE
                && plantedBugs.contains(PlantedBug.PROMOTE_BEFORE_CAUGHT_UP);
        ConfigurationChanges.Decision decision = ConfigurationChanges.decide(current, change,
                skipCatchUpCheck ? member -> true : this::holdsCommitted);
        if (decision.refusal() != null) {
            ready.failWrite(requestId, decision.refusal(), null, HLCTimestamp.ZERO);
            return;
        }
        Configuration next = decision.next();
        if (next.equals(current)) {
            // Already so: nothing to append, and asking twice answers the same.
            ready.completions.add(new Ready.Completion(requestId,
                    RaftReplicationResult.success(HLCTimestamp.ZERO, replicaLog.configurationIndex())));
            return;
        }
        if (next.contains(change.member())) {
            // Tracked from the change's own entry, so the first append to it probes where its log ends.
            replicator.track(change.member(), now);
        }
        long index = log.lastIndex() + 1;
        leader.append(List.of(new LogEntry(index, leader.term(), EntryKind.CONFIGURATION, HLCTimestamp.ZERO, "",
                next.encode())));
        awaitCommit(requestId, index, leader.term(), HLCTimestamp.ZERO, now);
        leader.maybeCommit(ready);
    }

    /** Whether {@code member} is this leader or a follower known to hold everything committed. */
    private boolean holdsCommitted(String member) {
        if (member.equals(self)) {
            return true;
        }
        FollowerProgress pr = replicator.follower(member);
        return pr != null && pr.matchIndex >= replicaLog.commitIndex();
    }

    /** Appends the commit or rollback entry of an open ticket; returns its index. */
    long appendSettlement(HLCTimestamp ticket, boolean commit) {
        ProposalTracker.OpenTicket open = proposals.openTicket(ticket);
        long index = log.lastIndex() + 1;
        leader.append(List.of(new LogEntry(index, leader.term(), commit ? EntryKind.COMMIT : EntryKind.ROLLBACK, ticket,
                open.logType(), new byte[0])));
        return index;
    }

    /** Completes request {@code requestId} when {@code index} (of {@code entryTerm}) is applied here. */
    private void awaitCommit(long requestId, long index, long entryTerm, HLCTimestamp ticket, long now) {
        proposals.track(new ProposalTracker.Pending(requestId, index, entryTerm, ticket,
                now + settings.proposalTimeoutMillis()));
    }
}
