package io.kommander.transport.netty;

import io.kommander.time.HLCTimestamp;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.RaftMessage;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.transport.RaftMessage.AppendLogsResponse;
import io.kommander.transport.RaftMessage.InstallSnapshot;
import io.kommander.transport.RaftMessage.InstallSnapshotResponse;
import io.kommander.transport.RaftMessage.RequestVote;
import io.kommander.transport.RaftMessage.TimeoutNow;
import io.kommander.transport.RaftMessage.VoteResponse;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Messages of every type, with entries of every kind, for codec and transport tests. */
final class SampleMessages {

    private SampleMessages() {
    }

    static LogEntry entry(long index, long term, EntryKind kind, byte[] data) {
        return new LogEntry(index, term, kind, new HLCTimestamp(1_700_000_000_000L + index, index % 3, (int) (index % 4)), "type-" + kind,
                data);
    }

    /** One message of each type, about {@code partition}. */
    static List<RaftMessage> everyType(int partition) {
        List<LogEntry> entries = new ArrayList<>();
        long index = 41;
        for (EntryKind kind : EntryKind.values()) {
            entries.add(entry(++index, 7, kind, ("payload " + kind).getBytes(StandardCharsets.UTF_8)));
        }
        // Idempotent writes: request ids of one client, then of another.
        for (long sequence : new long[] {1, 2, 5}) {
            LogEntry plain = entry(++index, 7, EntryKind.DATA, new byte[] {(byte) sequence});
            entries.add(new LogEntry(plain.index(), plain.term(), plain.kind(), plain.time(), plain.logType(),
                    plain.data(), sequence == 5 ? -42 : 0x1234_5678_9ABCL, sequence));
        }
        return List.of(
                new RequestVote(partition, 8, 41, 7, true, false),
                new RequestVote(partition, 9, 41, 7, false, true),
                new VoteResponse(partition, 9, true, false),
                new VoteResponse(partition, 9, false, true),
                new AppendLogs(partition, 7, 41, 7, entries, 40, 12, 30),
                new AppendLogs(partition, 7, 48, 7, List.of(), 48, 13, 30),
                new AppendLogsResponse(partition, 7, true, 48, 12),
                new AppendLogsResponse(partition, 7, false, 3, 13),
                new TimeoutNow(partition, 7, 0),
                new InstallSnapshot(partition, 7, 40, 6, 1_000, 0xFFFF_FFFFL, 512,
                        "chunk".getBytes(StandardCharsets.UTF_8), 0x1234_5678L),
                new InstallSnapshotResponse(partition, 7, 40, 0xFFFF_FFFFL, 517, false),
                new InstallSnapshotResponse(partition, 7, 40, 0, 1_000, true));
    }

    /** Every message type for each of {@code partitions} partitions, as one batch. */
    static MessageBatch batch(String from, int partitions) {
        List<RaftMessage> messages = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            messages.addAll(everyType(p));
        }
        return new MessageBatch(from, messages);
    }

    /** An AppendLogs carrying one DATA entry with a payload of {@code size} bytes. */
    static AppendLogs appendWithPayload(int partition, long index, int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i * 31 + index);
        }
        return new AppendLogs(partition, 3, index - 1, 3, List.of(entry(index, 3, EntryKind.DATA, data)), index - 1,
                index, 0);
    }

    /**
     * What an attacker would send to move a partition, one message per BATCH frame (5 frames), as if from
     * {@code from}: an AppendLogs of a huge term whose entry takes index 1 of partition 1, RequestVotes of term
     * {@code Long.MAX_VALUE} (one with the transfer flag, one for the system partition), a TimeoutNow and an
     * AppendLogsResponse of a huge term.
     */
    static byte[] forgedFrames(String from) {
        long hugeTerm = 1_000_000_000_000L;
        List<RaftMessage> forged = List.of(
                new AppendLogs(1, hugeTerm, 0, 0, List.of(appendWithPayload(1, 1, 8).entries().get(0)), 1, 1, 0),
                new RequestVote(1, Long.MAX_VALUE, 1_000_000, hugeTerm, false, true),
                new RequestVote(0, Long.MAX_VALUE, 1_000_000, hugeTerm, true, false),
                new TimeoutNow(1, hugeTerm, 1_000_000),
                new AppendLogsResponse(1, hugeTerm, true, 1_000_000, 1));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (RaftMessage message : forged) {
            out.writeBytes(frameBytes(new MessageBatch(from, List.of(message))));
        }
        return out.toByteArray();
    }

    /** {@code batch} as one BATCH frame, header included. */
    static ByteBuf frame(ByteBufAllocator alloc, MessageBatch batch) {
        int body = (int) MessageCodec.encodedSize(batch);
        ByteBuf out = alloc.ioBuffer(FrameWriter.HEADER_LENGTH + body);
        FrameWriter.writeHeader(out, FrameType.BATCH, body);
        MessageCodec.encode(batch, out);
        return out;
    }

    /** {@code batch} as the bytes of one BATCH frame. */
    static byte[] frameBytes(MessageBatch batch) {
        ByteBuf buf = frame(UnpooledByteBufAllocator.DEFAULT, batch);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
