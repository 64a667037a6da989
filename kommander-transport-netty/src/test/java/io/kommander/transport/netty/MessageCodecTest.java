package io.kommander.transport.netty;

import io.kommander.time.HLCTimestamp;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.RaftMessage;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.transport.RaftMessage.TimeoutNow;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageCodecTest {

    private static final String PEER = "10.0.0.2:7002";

    @AfterAll
    static void noLeaks() {
        LeakRecorder.assertNoLeaks();
    }

    private static MessageBatch roundTrip(MessageBatch batch) {
        ByteBuf buf = ByteBufAllocator.DEFAULT.ioBuffer();
        try {
            MessageCodec.encode(batch, buf);
            assertThat((long) buf.readableBytes()).isEqualTo(MessageCodec.encodedSize(batch));
            return MessageCodec.decode(buf, PEER);
        } finally {
            buf.release();
        }
    }

    @Test
    void everyMessageTypeAndEntryKindRoundTrips() {
        MessageBatch batch = SampleMessages.batch("ignored:1", 1);
        assertThat(roundTrip(batch)).isEqualTo(new MessageBatch(PEER, batch.messages()));
    }

    @Test
    void manyPartitionsRoundTripInOrderInOneBatch() {
        MessageBatch batch = SampleMessages.batch(PEER, 500);
        assertThat(roundTrip(batch).messages()).containsExactlyElementsOf(batch.messages());
    }

    @Test
    void emptyBatchAndEmptyPayloadRoundTrip() {
        assertThat(roundTrip(new MessageBatch(PEER, List.of())).messages()).isEmpty();
        AppendLogs empty = SampleMessages.appendWithPayload(3, 10, 0);
        assertThat(roundTrip(new MessageBatch(PEER, List.of(empty))).messages()).containsExactly(empty);
    }

    @Test
    void entriesKeepTheirOwnTypeWhetherOrNotTheyRepeatThePreviousOne() {
        List<String> types = List.of("orders", "orders", "order", "orders", "", "", "zählen", "zählen", "ordersX");
        List<LogEntry> entries = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            entries.add(new LogEntry(i + 1, 1, EntryKind.DATA, new HLCTimestamp(i, 0, 1), types.get(i), new byte[]{1}));
        }
        AppendLogs append = new AppendLogs(4, 1, 0, 0, entries, 0, 0, 0);

        AppendLogs decoded = (AppendLogs) roundTrip(new MessageBatch(PEER, List.of(append))).messages().get(0);

        assertThat(decoded.entries()).extracting(LogEntry::logType).containsExactlyElementsOf(types);
        assertThat(decoded).isEqualTo(append);
    }

    @Test
    void extremeValuesRoundTrip() {
        List<RaftMessage> messages = List.of(
                new TimeoutNow(Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE),
                new TimeoutNow(Integer.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE),
                new RaftMessage.AppendLogsResponse(-1, 0, true, Long.MAX_VALUE, Long.MIN_VALUE),
                new AppendLogs(0, 1, Long.MAX_VALUE - 1, Long.MAX_VALUE, List.of(
                        SampleMessages.entry(Long.MAX_VALUE, 0, io.kommander.wal.EntryKind.DATA, new byte[0]),
                        SampleMessages.entry(1, Long.MAX_VALUE, io.kommander.wal.EntryKind.SYSTEM, new byte[] {1})),
                        -5, -6, -7));
        assertThat(roundTrip(new MessageBatch(PEER, messages)).messages()).containsExactlyElementsOf(messages);
    }

    @Test
    void rosterMessagesRoundTrip() {
        List<RaftMessage> messages = List.of(
                new RaftMessage.RosterRequest(0, 0, 7L << 16 | 1, 1, "10.0.0.9:7009", 9, 0x0123_4567_89AB_CDEFL),
                new RaftMessage.RosterRequest(0, 0, Long.MAX_VALUE, RaftMessage.RosterRequest.MAX_KIND, "h\u00f6st:1",
                        Integer.MIN_VALUE, Long.MIN_VALUE),
                new RaftMessage.RosterResponse(0, 0, 7L << 16 | 1, "Success", 12, "10.0.0.1:7001"),
                new RaftMessage.RosterResponse(0, 0, 0, "NodeIsNotLeader", 0, ""));
        MessageBatch batch = new MessageBatch(PEER, messages);
        assertThat(roundTrip(batch).messages()).containsExactlyElementsOf(messages);
        long estimates = messages.stream().mapToLong(RaftMessage::sizeEstimate).sum();
        assertThat(MessageCodec.encodedSize(batch)).isLessThanOrEqualTo(estimates + 5);
    }

    /** A stranded replica's query and its answer (protocol 6), at their widest, round-trip within their estimates. */
    @Test
    void membershipQueryAndReplicaRemovedRoundTrip() {
        List<RaftMessage> messages = List.of(
                new RaftMessage.MembershipQuery(7, 3, 0),
                new RaftMessage.MembershipQuery(Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE),
                new RaftMessage.ReplicaRemoved(7, 3, 1_234),
                new RaftMessage.ReplicaRemoved(Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE));
        MessageBatch batch = new MessageBatch(PEER, messages);
        assertThat(roundTrip(batch).messages()).containsExactlyElementsOf(messages);
        long estimates = messages.stream().mapToLong(RaftMessage::sizeEstimate).sum();
        assertThat(MessageCodec.encodedSize(batch)).isLessThanOrEqualTo(estimates + 5);
    }

    /** Partition 0's leader's question about a leaving member and its answer (protocol 9) round-trip within estimates. */
    @Test
    void releaseQueryAndMemberReleasedRoundTrip() {
        List<RaftMessage> messages = List.of(
                new RaftMessage.ReleaseQuery(7, 0, "10.0.0.3:7001"),
                new RaftMessage.ReleaseQuery(Integer.MAX_VALUE, Long.MAX_VALUE, "h\u00f6st-\u4e2d:65535"),
                new RaftMessage.MemberReleased(7, 0, "10.0.0.3:7001"),
                new RaftMessage.MemberReleased(Integer.MAX_VALUE, Long.MAX_VALUE, ""));
        MessageBatch batch = new MessageBatch(PEER, messages);
        assertThat(roundTrip(batch).messages()).containsExactlyElementsOf(messages);
        long estimates = messages.stream().mapToLong(RaftMessage::sizeEstimate).sum();
        assertThat(MessageCodec.encodedSize(batch)).isLessThanOrEqualTo(estimates + 5);
    }

    /** Quiescence's messages (protocol 5), down to their widest values, round-trip within their estimates. */
    @Test
    void quiesceAndNodeHeartbeatRoundTrip() {
        List<RaftMessage> messages = List.of(
                new RaftMessage.Quiesce(7, 3, 1_234, 2),
                new RaftMessage.Quiesce(Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE),
                new RaftMessage.NodeHeartbeat(0, 0, 0x0123_4567_89AB_CDEFL),
                new RaftMessage.NodeHeartbeat(0, 0, Long.MIN_VALUE));
        MessageBatch batch = new MessageBatch(PEER, messages);
        assertThat(roundTrip(batch).messages()).containsExactlyElementsOf(messages);
        long estimates = messages.stream().mapToLong(RaftMessage::sizeEstimate).sum();
        assertThat(MessageCodec.encodedSize(batch)).isLessThanOrEqualTo(estimates + 5);
    }

    @Test
    void partitionMapMessagesRoundTrip() {
        List<RaftMessage> messages = List.of(
                new RaftMessage.PartitionMapRequest(0, 0, 7L << 16 | 1, RaftMessage.PartitionMapRequest.CREATE, 0,
                        true, 0x8000_0000_0000_0000L, -1L),
                new RaftMessage.PartitionMapRequest(0, 0, Long.MAX_VALUE, RaftMessage.PartitionMapRequest.CREATE, 0,
                        false, 0, 0),
                new RaftMessage.PartitionMapRequest(0, 0, 3, RaftMessage.PartitionMapRequest.REMOVE, 42, false, 0,
                        0),
                new RaftMessage.PartitionMapRequest(0, 0, 4, RaftMessage.PartitionMapRequest.SPLIT, 7, true,
                        0x4000_0000_0000_0000L, -1L),
                new RaftMessage.PartitionMapRequest(0, 0, 5, RaftMessage.PartitionMapRequest.FINISH_SPLIT, 7, false,
                        0, 0),
                new RaftMessage.PartitionMapRequest(0, 0, 6, RaftMessage.PartitionMapRequest.MERGE, 7, true, 8, -1L),
                new RaftMessage.PartitionMapRequest(0, 0, 7, RaftMessage.PartitionMapRequest.FINISH_MERGE, 7, false,
                        0, 0),
                new RaftMessage.PartitionMapResponse(0, 0, 7L << 16 | 1, "Success", 12, 9, "10.0.0.1:7001"),
                new RaftMessage.PartitionMapResponse(0, 0, 0, "NodeIsNotLeader", 0, 0, ""));
        MessageBatch batch = new MessageBatch(PEER, messages);
        assertThat(roundTrip(batch).messages()).containsExactlyElementsOf(messages);
        long estimates = messages.stream().mapToLong(RaftMessage::sizeEstimate).sum();
        assertThat(MessageCodec.encodedSize(batch)).isLessThanOrEqualTo(estimates + 5);
    }

    @Test
    void partitionMapRequestOfAnUnknownKindIsRefused() {
        MessageBatch batch = new MessageBatch(PEER, List.of(new RaftMessage.PartitionMapRequest(0, 0, 1,
                RaftMessage.PartitionMapRequest.REMOVE, 1, false, 0, 0)));
        for (int kind : new int[] {0, 7, 255}) {
            ByteBuf buf = Unpooled.buffer();
            try {
                MessageCodec.encode(batch, buf);
                // count, type, partition, term, request id: one byte each; then the kind.
                buf.setByte(5, kind);
                assertThatThrownBy(() -> MessageCodec.decode(buf, PEER)).isInstanceOf(ProtocolException.class)
                        .hasMessageContaining("partition map request kind");
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void rosterRequestOfAnUnknownKindIsRefused() {
        MessageBatch batch = new MessageBatch(PEER, List.of(new RaftMessage.RosterRequest(0, 0, 1, 1, "a:1", 1, 1)));
        for (int kind : new int[] {0, RaftMessage.RosterRequest.MAX_KIND + 1, 255}) {
            ByteBuf buf = Unpooled.buffer();
            try {
                MessageCodec.encode(batch, buf);
                // count, type, partition, term, request id: one byte each; then the kind.
                buf.setByte(5, kind);
                assertThatThrownBy(() -> MessageCodec.decode(buf, PEER)).isInstanceOf(ProtocolException.class)
                        .hasMessageContaining("roster request kind");
            } finally {
                buf.release();
            }
        }
    }

    /**
     * Every number at its widest (deltas that wrap, negative longs) in 100 entries: the encoding still fits in the
     * messages' estimates plus the 5-byte count, the budget NettyTransport.maxBatchBytes() leaves for.
     */
    @Test
    void anAppendOfTheWidestValuesEncodesWithinItsEstimate() {
        List<LogEntry> entries = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            boolean odd = i % 2 == 1;
            entries.add(new LogEntry(odd ? 1 : Long.MAX_VALUE, odd ? 0 : Long.MAX_VALUE, EntryKind.DATA,
                    new HLCTimestamp(odd ? 0 : Long.MAX_VALUE, -1, odd ? Integer.MIN_VALUE : -1), "", new byte[0],
                    odd ? 1 : Long.MIN_VALUE, odd ? 1 : Long.MAX_VALUE));
        }
        AppendLogs widest = new AppendLogs(-1, -1, -1, -1, entries, -1, -1, -1);
        MessageBatch batch = new MessageBatch(PEER, List.of(widest, new TimeoutNow(-1, -1, -1)));
        long encoded = MessageCodec.encodedSize(batch);
        long estimates = widest.sizeEstimate() + new TimeoutNow(-1, -1, -1).sizeEstimate();
        assertThat(encoded).isLessThanOrEqualTo(estimates + 5);
        assertThat(encoded).as("the bound is close: each entry takes 67 of its 77 bytes").isEqualTo(
                1 + (1 + 5 + 6 * 10 + 1) + 100 * 67 + (1 + 5 + 10 + 10));
        assertThat(roundTrip(batch)).isEqualTo(batch);
    }

    @Test
    void heartbeatIsCompactAndContiguousEntriesCostAFewBytesEach() {
        AppendLogs heartbeat = new AppendLogs(12, 5, 1000, 5, List.of(), 990, 77, 900);
        assertThat(MessageCodec.encodedSize(new MessageBatch(PEER, List.of(heartbeat)))).isLessThanOrEqualTo(16);
        AppendLogs one = SampleMessages.appendWithPayload(1, 5000, 100);
        long perEntryOverhead = MessageCodec.encodedSize(new MessageBatch(PEER, List.of(one)))
                - MessageCodec.encodedSize(new MessageBatch(PEER, List.of(new AppendLogs(1, 3, 4999, 3, List.of(),
                4999, 5000, 0)))) - 100;
        assertThat(perEntryOverhead).isLessThanOrEqualTo(24);
    }

    @Test
    void frameAtTheMaximumLengthIsAcceptedAndOneByteMoreIsRefused() {
        int max = 64 * 1024;
        int overhead = (int) MessageCodec.encodedSize(batchWithPayload(0)) + 1;
        // The payload's length prefix grows from 1 to 3 bytes; pick the size that lands exactly on the maximum.
        int payload = max - overhead - 2;
        MessageBatch largest = batchWithPayload(payload);
        assertThat(1 + MessageCodec.encodedSize(largest)).isEqualTo(max);

        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(max));
        ByteBuf frame = SampleMessages.frame(ByteBufAllocator.DEFAULT, largest);
        channel.writeInbound(frame);
        ByteBuf decoded = channel.readInbound();
        try {
            assertThat((int) decoded.readUnsignedByte()).isEqualTo(FrameType.BATCH);
            assertThat(MessageCodec.decode(decoded, PEER).messages()).isEqualTo(largest.messages());
        } finally {
            decoded.release();
        }

        EmbeddedChannel strict = new EmbeddedChannel(new FrameDecoder(max - 1));
        assertThatThrownBy(() -> strict.writeInbound(SampleMessages.frame(ByteBufAllocator.DEFAULT, largest)))
                .hasCauseInstanceOf(ProtocolException.class)
                .hasMessageContaining("exceeds the limit of " + (max - 1));
        assertThat(strict.finishAndReleaseAll()).isFalse();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void unknownMessageTypeIsRefused() {
        assertThatThrownBy(() -> decode(1, 42, 0, 0))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.reason()).isEqualTo(CloseReason.UNKNOWN_TYPE))
                .hasMessageContaining("unknown message type 42");
    }

    /** Snapshot chunks of the widest values round-trip and stay within their estimate. */
    @Test
    void snapshotMessagesOfTheWidestValuesRoundTripWithinTheirEstimates() {
        byte[] data = new byte[1000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        RaftMessage chunk = new RaftMessage.InstallSnapshot(-1, -1, -1, -1, -1, -1, -1, data, -1);
        RaftMessage answer = new RaftMessage.InstallSnapshotResponse(-1, -1, -1, -1, -1, true);
        MessageBatch batch = new MessageBatch(PEER, List.of(chunk, answer));
        assertThat(MessageCodec.encodedSize(batch)).isLessThanOrEqualTo(chunk.sizeEstimate() + answer.sizeEstimate()
                + 5L);
        assertThat(roundTrip(batch)).isEqualTo(batch);
    }

    @Test
    void snapshotMessagesWithUndefinedFlagsOrShortChunksAreMalformed() {
        // InstallSnapshotResponse, partition 0, term 0, three zero longs, flags with the undefined bit 1
        assertThatThrownBy(() -> decode(1, MessageCodec.INSTALL_SNAPSHOT_RESPONSE, 0, 0, 0, 0, 0, 2))
                .hasMessageContaining("flag bits");
        // InstallSnapshot whose chunk claims 9 bytes and carries 1
        assertThatThrownBy(() -> decode(1, MessageCodec.INSTALL_SNAPSHOT, 0, 0, 1, 1, 9, 0, 0, 0, 9, 42))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void unknownEntryKindIsRefused() {
        // one AppendLogs, partition 0, term 0, six zero longs, one entry whose kind is 9
        assertThatThrownBy(() -> decode(1, MessageCodec.APPEND_LOGS, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 9, 0, 0, 0, 0, 0, 0))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.reason()).isEqualTo(CloseReason.UNKNOWN_TYPE))
                .hasMessageContaining("unknown entry kind 9");
    }

    @Test
    void truncatedAndInconsistentLengthsAreMalformed() {
        MessageBatch batch = SampleMessages.batch(PEER, 2);
        ByteBuf whole = ByteBufAllocator.DEFAULT.buffer();
        MessageCodec.encode(batch, whole);
        try {
            for (int cut = 0; cut < whole.readableBytes(); cut++) {
                ByteBuf prefix = whole.retainedSlice(0, cut);
                try {
                    assertThatThrownBy(() -> MessageCodec.decode(prefix, PEER))
                            .isInstanceOf(ProtocolException.class);
                } finally {
                    prefix.release();
                }
            }
        } finally {
            whole.release();
        }
        assertThatThrownBy(() -> decode(0, 7)).hasMessageContaining("unexpected bytes");
        assertThatThrownBy(() -> decode(100, 5, 0, 0)).hasMessageContaining("message count 100 exceeds the 1");
        assertThatThrownBy(() -> decode(1, MessageCodec.VOTE_RESPONSE, 0, 0, 4)).hasMessageContaining("flag bits");
        assertThatThrownBy(() -> decode(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01)).hasMessageContaining("varint overflows 32 bits");
    }

    @Test
    void entryIndexBelowOneIsMalformed() {
        // AppendLogs with prevLogIndex 0 and an entry whose index delta is -1 (zigzag 1): index 0
        assertThatThrownBy(() -> decode(1, MessageCodec.APPEND_LOGS, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.reason()).isEqualTo(CloseReason.MALFORMED))
                .hasMessageContaining("index must be >= 1");
    }

    @Test
    void entryTimeWhoseNodeDoesNotFitAnIntIsMalformed() {
        // one entry whose time.node is zigzag 2^32 (varint 80 80 80 80 10): 2^31, one past Integer.MAX_VALUE
        assertThatThrownBy(() -> decode(1, MessageCodec.APPEND_LOGS, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0,
                0x80, 0x80, 0x80, 0x80, 0x10, 0, 0))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.reason()).isEqualTo(CloseReason.MALFORMED))
                .hasMessageContaining("node 2147483648 out of range");
    }

    @Test
    void requestIdsRoundTripAndConsecutiveRequestsOfOneClientCostTwoBytes() {
        List<LogEntry> plain = new ArrayList<>();
        List<LogEntry> requests = new ArrayList<>();
        for (long i = 1; i <= 10; i++) {
            plain.add(new LogEntry(i, 3, EntryKind.DATA, new HLCTimestamp(1_000, i, 1), "", new byte[0]));
            requests.add(new LogEntry(i, 3, EntryKind.DATA, new HLCTimestamp(1_000, i, 1), "", new byte[0],
                    0x5DEECE66DL, 40 + i));
        }
        MessageBatch withIds = new MessageBatch(PEER, List.of(new AppendLogs(1, 3, 0, 0, requests, 0, 0, 0)));
        MessageBatch withoutIds = new MessageBatch(PEER, List.of(new AppendLogs(1, 3, 0, 0, plain, 0, 0, 0)));

        assertThat(roundTrip(withIds)).isEqualTo(withIds);
        long first = 6 + 1; // the client id (36 bits once zigzagged: 6 varint bytes), sequence 41 (zigzag 80: 1)
        assertThat(MessageCodec.encodedSize(withIds) - MessageCodec.encodedSize(withoutIds))
                .isEqualTo(first + 9 * 2);
    }

    @Test
    void entryFlagsAndRequestIdsAreChecked() {
        // one entry with the undefined flag bit 1
        assertThatThrownBy(() -> decode(1, MessageCodec.APPEND_LOGS, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 2, 0, 0, 0, 0, 0))
                .hasMessageContaining("undefined flag bits in 0x2");
        // one entry with a request id whose client id is 0 (delta 0 from the prediction)
        assertThatThrownBy(() -> decode(1, MessageCodec.APPEND_LOGS, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0,
                0, 0)).isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.reason()).isEqualTo(CloseReason.MALFORMED))
                .hasMessageContaining("request id without a client id");
    }

    private static MessageBatch decode(int... bytes) {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        return MessageCodec.decode(Unpooled.wrappedBuffer(raw), PEER);
    }

    private static MessageBatch batchWithPayload(int size) {
        return new MessageBatch(PEER, List.of(SampleMessages.appendWithPayload(1, 2, size)));
    }
}
