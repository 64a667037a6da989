package io.kommander.transport.netty;

import io.kommander.time.HLCTimestamp;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.RaftMessage;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.transport.RaftMessage.AppendLogsResponse;
import io.kommander.transport.RaftMessage.InstallSnapshot;
import io.kommander.transport.RaftMessage.InstallSnapshotResponse;
import io.kommander.transport.RaftMessage.MembershipQuery;
import io.kommander.transport.RaftMessage.NodeHeartbeat;
import io.kommander.transport.RaftMessage.Quiesce;
import io.kommander.transport.RaftMessage.ReplicaRemoved;
import io.kommander.transport.RaftMessage.ReleaseQuery;
import io.kommander.transport.RaftMessage.MemberReleased;
import io.kommander.transport.RaftMessage.RequestVote;
import io.kommander.transport.RaftMessage.PartitionMapRequest;
import io.kommander.transport.RaftMessage.PartitionMapResponse;
import io.kommander.transport.RaftMessage.RosterRequest;
import io.kommander.transport.RaftMessage.RosterResponse;
import io.kommander.transport.RaftMessage.TimeoutNow;
import io.kommander.transport.RaftMessage.VoteResponse;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes the body of a BATCH frame: the messages of one {@link MessageBatch}, with varints for every
 * number and deltas (zigzag) for the entry fields that repeat from one entry to the next. The layout is specified
 * in {@code docs/wire-protocol.md}; the sender's endpoint is not in the body (it is known from the handshake).
 *
 * <p>Stateless and thread-safe. Decoding never trusts a count or length: each is checked against the bytes left,
 * so garbage fails with a {@link ProtocolException}, not an exception of another type or a large allocation.
 */
public final class MessageCodec {

    static final int REQUEST_VOTE = 1;
    static final int VOTE_RESPONSE = 2;
    static final int APPEND_LOGS = 3;
    static final int APPEND_LOGS_RESPONSE = 4;
    static final int TIMEOUT_NOW = 5;
    static final int INSTALL_SNAPSHOT = 6;
    static final int INSTALL_SNAPSHOT_RESPONSE = 7;
    static final int ROSTER_REQUEST = 8;
    static final int ROSTER_RESPONSE = 9;
    static final int QUIESCE = 10;
    static final int NODE_HEARTBEAT = 11;
    static final int PARTITION_MAP_REQUEST = 12;
    static final int PARTITION_MAP_RESPONSE = 13;
    static final int MEMBERSHIP_QUERY = 14;
    static final int REPLICA_REMOVED = 15;
    static final int RELEASE_QUERY = 16;
    static final int MEMBER_RELEASED = 17;

    /** A lower bound of every message's size (type, partition and term take a byte each), to bound a message count. */
    private static final int MIN_MESSAGE_BYTES = 3;
    /** The fewest bytes an entry takes (nine fields of at least one byte), to bound an entry count. */
    private static final int MIN_ENTRY_BYTES = 9;
    /** Entry flag: a client request id (clientId, sequence) follows the time. */
    private static final int ENTRY_HAS_REQUEST_ID = 1;

    private MessageCodec() {
    }

    /**
     * The exact size in bytes of the encoded body of {@code batch}; a long, so that a batch too large for any frame
     * is reported as such rather than wrapped.
     */
    public static long encodedSize(MessageBatch batch) {
        SizeSink size = new SizeSink();
        write(batch, size);
        return size.size();
    }

    /** Appends the encoded body of {@code batch} to {@code out}, which grows if needed. */
    public static void encode(MessageBatch batch, ByteBuf out) {
        write(batch, new BufferSink(out));
    }

    /**
     * Decodes a whole body, which must end exactly where the last message ends. Does not release {@code in}.
     *
     * @param in   the body, from its reader index to its writer index
     * @param from the sender's endpoint, which becomes {@link MessageBatch#from()}
     * @throws ProtocolException if the bytes are not a valid body
     */
    public static MessageBatch decode(ByteBuf in, String from) {
        WireReader reader = new WireReader(in);
        int count = reader.length(MIN_MESSAGE_BYTES, "message count");
        List<RaftMessage> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            messages.add(readMessage(reader));
        }
        reader.expectEnd("last message");
        return new MessageBatch(from, messages);
    }

    private static void write(MessageBatch batch, WireSink out) {
        out.varInt(batch.messages().size());
        for (RaftMessage message : batch.messages()) {
            writeMessage(message, out);
        }
    }

    private static void writeMessage(RaftMessage message, WireSink out) {
        if (message instanceof AppendLogs m) {
            out.u8(APPEND_LOGS);
            out.varInt(m.partition());
            out.varLong(m.term());
            out.varLong(m.prevLogIndex());
            out.varLong(m.prevLogTerm());
            out.varLong(m.leaderCommit());
            out.varLong(m.round());
            out.varLong(m.safeCompactIndex());
            writeEntries(m, out);
        } else if (message instanceof AppendLogsResponse m) {
            out.u8(APPEND_LOGS_RESPONSE);
            out.varInt(m.partition());
            out.varLong(m.term());
            out.u8(flag(m.success(), 0));
            out.varLong(m.matchIndex());
            out.varLong(m.round());
        } else if (message instanceof RequestVote m) {
            out.u8(REQUEST_VOTE);
            out.varInt(m.partition());
            out.varLong(m.term());
            out.varLong(m.lastLogIndex());
            out.varLong(m.lastLogTerm());
            out.u8(flag(m.preVote(), 0) | flag(m.transfer(), 1));
        } else if (message instanceof VoteResponse m) {
            out.u8(VOTE_RESPONSE);
            out.varInt(m.partition());
            out.varLong(m.term());
            out.u8(flag(m.granted(), 0) | flag(m.preVote(), 1));
        } else if (message instanceof TimeoutNow m) {
            out.u8(TIMEOUT_NOW);
            out.varInt(m.partition());
            out.varLong(m.term());
            out.varLong(m.lastLogIndex());
        } else if (message instanceof InstallSnapshot m) {
            out.u8(INSTALL_SNAPSHOT);
            out.varInt(m.partition());
            out.varLong(m.term());
            out.varLong(m.index());
            out.varLong(m.indexTerm());
            out.varLong(m.totalBytes());
            out.varLong(m.wholeCrc());
            out.varLong(m.offset());
            out.varLong(m.chunkCrc());
            out.bytes(m.data());
        } else if (message instanceof InstallSnapshotResponse m) {
            out.u8(INSTALL_SNAPSHOT_RESPONSE);
            out.varInt(m.partition());
            out.varLong(m.term());
            out.varLong(m.index());
            out.varLong(m.wholeCrc());
            out.varLong(m.heldBytes());
            out.u8(flag(m.installed(), 0));
        } else if (message instanceof RosterRequest m) {
            out.u8(ROSTER_REQUEST);
            out.varInt(m.partition());
            out.varLong(m.term());
            out.varLong(m.requestId());
            out.u8(m.kind());
            out.string(m.endpoint());
            out.zigzag(m.nodeId());
            out.varLong(m.incarnation());
        } else if (message instanceof RosterResponse m) {
            out.u8(ROSTER_RESPONSE);
            out.varInt(m.partition());
            out.varLong(m.term());
            out.varLong(m.requestId());
            out.string(m.status());
            out.varLong(m.version());
            out.string(m.leaderHint());
        } else if (message instanceof PartitionMapRequest m) {
            out.u8(PARTITION_MAP_REQUEST);
            out.varInt(m.partition());
            out.varLong(m.term());
            out.varLong(m.requestId());
            out.u8(m.kind());
            out.varInt(m.partitionId());
            out.u8(flag(m.routed(), 0));
            if (m.routed()) {
                out.varLong(m.first());
                out.varLong(m.last());
            }
        } else if (message instanceof PartitionMapResponse m) {
            out.u8(PARTITION_MAP_RESPONSE);
            out.varInt(m.partition());
            out.varLong(m.term());
            out.varLong(m.requestId());
            out.string(m.status());
            out.varLong(m.mapVersion());
            out.varInt(m.partitionId());
            out.string(m.leaderHint());
        } else if (message instanceof Quiesce m) {
            out.u8(QUIESCE);
            out.varInt(m.partition());
            out.varLong(m.term());
            out.varLong(m.index());
            out.varLong(m.indexTerm());
        } else if (message instanceof NodeHeartbeat m) {
            out.u8(NODE_HEARTBEAT);
            out.varInt(m.partition());
            out.varLong(m.term());
            out.varLong(m.bootId());
        } else if (message instanceof MembershipQuery m) {
            out.u8(MEMBERSHIP_QUERY);
            out.varInt(m.partition());
            out.varLong(m.term());
            out.varLong(m.configurationIndex());
        } else if (message instanceof ReplicaRemoved m) {
            out.u8(REPLICA_REMOVED);
            out.varInt(m.partition());
            out.varLong(m.term());
            out.varLong(m.configurationIndex());
        } else if (message instanceof ReleaseQuery m) {
            out.u8(RELEASE_QUERY);
            out.varInt(m.partition());
            out.varLong(m.term());
            out.string(m.member());
        } else if (message instanceof MemberReleased m) {
            out.u8(MEMBER_RELEASED);
            out.varInt(m.partition());
            out.varLong(m.term());
            out.string(m.member());
        } else {
            throw new IllegalArgumentException("no wire encoding for " + message.getClass().getName());
        }
    }

    /**
     * Entries are contiguous and share terms and nearby timestamps, so each field is a delta from what the previous
     * entry predicts: usually one byte. A request id is predicted from the previous one (the same client, the next
     * sequence). Any values round-trip exactly; only the size depends on the prediction.
     */
    private static void writeEntries(AppendLogs m, WireSink out) {
        out.varInt(m.entries().size());
        long expectedIndex = m.prevLogIndex() + 1;
        long previousTerm = m.term();
        long previousPhysical = 0;
        long previousClient = 0;
        long previousSequence = 0;
        for (LogEntry entry : m.entries()) {
            out.zigzag(entry.index() - expectedIndex);
            out.zigzag(entry.term() - previousTerm);
            out.u8(entry.kind().code());
            out.u8(entry.hasRequestId() ? ENTRY_HAS_REQUEST_ID : 0);
            out.zigzag(entry.time().physical() - previousPhysical);
            out.varLong(entry.time().counter());
            out.zigzag(entry.time().node());
            if (entry.hasRequestId()) {
                out.zigzag(entry.clientId() - previousClient);
                out.zigzag(entry.sequence() - (previousSequence + 1));
                previousClient = entry.clientId();
                previousSequence = entry.sequence();
            }
            out.string(entry.logType());
            out.bytes(entry.data());
            expectedIndex = entry.index() + 1;
            previousTerm = entry.term();
            previousPhysical = entry.time().physical();
        }
    }

    private static RaftMessage readMessage(WireReader in) {
        int type = in.u8();
        switch (type) {
            case APPEND_LOGS:
                return readAppendLogs(in);
            case APPEND_LOGS_RESPONSE: {
                int partition = in.varInt();
                long term = in.varLong();
                int flags = flags(in, 1);
                return new AppendLogsResponse(partition, term, (flags & 1) != 0, in.varLong(), in.varLong());
            }
            case REQUEST_VOTE: {
                int partition = in.varInt();
                long term = in.varLong();
                long lastLogIndex = in.varLong();
                long lastLogTerm = in.varLong();
                int flags = flags(in, 2);
                return new RequestVote(partition, term, lastLogIndex, lastLogTerm, (flags & 1) != 0, (flags & 2) != 0);
            }
            case VOTE_RESPONSE: {
                int partition = in.varInt();
                long term = in.varLong();
                int flags = flags(in, 2);
                return new VoteResponse(partition, term, (flags & 1) != 0, (flags & 2) != 0);
            }
            case TIMEOUT_NOW:
                return new TimeoutNow(in.varInt(), in.varLong(), in.varLong());
            case INSTALL_SNAPSHOT: {
                int partition = in.varInt();
                long term = in.varLong();
                long index = in.varLong();
                long indexTerm = in.varLong();
                long totalBytes = in.varLong();
                long wholeCrc = in.varLong();
                long offset = in.varLong();
                long chunkCrc = in.varLong();
                byte[] data = in.bytes("snapshot chunk");
                return new InstallSnapshot(partition, term, index, indexTerm, totalBytes, wholeCrc, offset, data,
                        chunkCrc);
            }
            case INSTALL_SNAPSHOT_RESPONSE: {
                int partition = in.varInt();
                long term = in.varLong();
                long index = in.varLong();
                long wholeCrc = in.varLong();
                long heldBytes = in.varLong();
                int flags = flags(in, 1);
                return new InstallSnapshotResponse(partition, term, index, wholeCrc, heldBytes, (flags & 1) != 0);
            }
            case ROSTER_REQUEST:
                return readRosterRequest(in);
            case ROSTER_RESPONSE:
                return new RosterResponse(in.varInt(), in.varLong(), in.varLong(), in.string("roster status"),
                        in.varLong(), in.string("leader hint"));
            case PARTITION_MAP_REQUEST:
                return readPartitionMapRequest(in);
            case PARTITION_MAP_RESPONSE:
                return new PartitionMapResponse(in.varInt(), in.varLong(), in.varLong(), in.string("map status"),
                        in.varLong(), in.varInt(), in.string("leader hint"));
            case QUIESCE:
                return new Quiesce(in.varInt(), in.varLong(), in.varLong(), in.varLong());
            case NODE_HEARTBEAT:
                return new NodeHeartbeat(in.varInt(), in.varLong(), in.varLong());
            case MEMBERSHIP_QUERY:
                return new MembershipQuery(in.varInt(), in.varLong(), in.varLong());
            case REPLICA_REMOVED:
                return new ReplicaRemoved(in.varInt(), in.varLong(), in.varLong());
            case RELEASE_QUERY:
                return new ReleaseQuery(in.varInt(), in.varLong(), in.string("member"));
            case MEMBER_RELEASED:
                return new MemberReleased(in.varInt(), in.varLong(), in.string("member"));
            default:
                throw new ProtocolException(CloseReason.UNKNOWN_TYPE, "unknown message type " + type);
        }
    }

    private static PartitionMapRequest readPartitionMapRequest(WireReader in) {
        int partition = in.varInt();
        long term = in.varLong();
        long requestId = in.varLong();
        int kind = in.u8();
        if (kind < PartitionMapRequest.CREATE || kind > PartitionMapRequest.FINISH_MERGE) {
            throw WireReader.malformed("unknown partition map request kind " + kind);
        }
        int partitionId = in.varInt();
        boolean routed = (flags(in, 1) & 1) != 0;
        long first = routed ? in.varLong() : 0;
        long last = routed ? in.varLong() : 0;
        return new PartitionMapRequest(partition, term, requestId, kind, partitionId, routed, first, last);
    }

    private static RosterRequest readRosterRequest(WireReader in) {
        int partition = in.varInt();
        long term = in.varLong();
        long requestId = in.varLong();
        int kind = in.u8();
        if (kind < 1 || kind > RosterRequest.MAX_KIND) {
            throw WireReader.malformed("unknown roster request kind " + kind);
        }
        String endpoint = in.string("roster endpoint");
        long nodeId = in.zigzag();
        if (nodeId != (int) nodeId) {
            throw WireReader.malformed("roster node id " + nodeId + " out of range");
        }
        return new RosterRequest(partition, term, requestId, kind, endpoint, (int) nodeId, in.varLong());
    }

    private static AppendLogs readAppendLogs(WireReader in) {
        int partition = in.varInt();
        long term = in.varLong();
        long prevLogIndex = in.varLong();
        long prevLogTerm = in.varLong();
        long leaderCommit = in.varLong();
        long round = in.varLong();
        long safeCompactIndex = in.varLong();
        int count = in.length(MIN_ENTRY_BYTES, "entry count");
        List<LogEntry> entries = new ArrayList<>(count);
        long expectedIndex = prevLogIndex + 1;
        long previousTerm = term;
        long previousPhysical = 0;
        long previousClient = 0;
        long previousSequence = 0;
        String previousType = null;
        for (int i = 0; i < count; i++) {
            long index = expectedIndex + in.zigzag();
            long entryTerm = previousTerm + in.zigzag();
            EntryKind kind = kind(in.u8());
            boolean request = (flags(in, 1) & ENTRY_HAS_REQUEST_ID) != 0;
            long physical = previousPhysical + in.zigzag();
            long counter = in.varLong();
            long node = in.zigzag();
            if (node != (int) node) {
                throw WireReader.malformed("entry time's node " + node + " out of range");
            }
            long clientId = 0;
            long sequence = 0;
            if (request) {
                clientId = previousClient + in.zigzag();
                sequence = previousSequence + 1 + in.zigzag();
                if (clientId == 0) {
                    throw WireReader.malformed("entry " + index + ": request id without a client id");
                }
                previousClient = clientId;
                previousSequence = sequence;
            }
            String logType = in.string("log type", previousType);
            previousType = logType;
            byte[] data = in.bytes("entry data");
            entries.add(entry(index, entryTerm, kind, new HLCTimestamp(physical, counter, (int) node), logType, data,
                    clientId, sequence));
            expectedIndex = index + 1;
            previousTerm = entryTerm;
            previousPhysical = physical;
        }
        return new AppendLogs(partition, term, prevLogIndex, prevLogTerm, entries, leaderCommit, round,
                safeCompactIndex);
    }

    private static LogEntry entry(long index, long term, EntryKind kind, HLCTimestamp time, String logType,
                                  byte[] data, long clientId, long sequence) {
        try {
            return new LogEntry(index, term, kind, time, logType, data, clientId, sequence);
        } catch (IllegalArgumentException e) {
            throw WireReader.malformed("invalid entry: " + e.getMessage());
        }
    }

    private static EntryKind kind(int code) {
        try {
            return EntryKind.ofCode(code);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(CloseReason.UNKNOWN_TYPE, "unknown entry kind " + code);
        }
    }

    private static int flag(boolean value, int bit) {
        return value ? 1 << bit : 0;
    }

    private static int flags(WireReader in, int definedBits) {
        int flags = in.u8();
        if ((flags >>> definedBits) != 0) {
            throw WireReader.malformed("undefined flag bits in 0x" + Integer.toHexString(flags));
        }
        return flags;
    }
}
