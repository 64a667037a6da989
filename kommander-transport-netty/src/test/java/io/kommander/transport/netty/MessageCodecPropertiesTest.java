package io.kommander.transport.netty;

import io.kommander.time.HLCTimestamp;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.RaftMessage;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.transport.RaftMessage.AppendLogsResponse;
import io.kommander.transport.RaftMessage.RequestVote;
import io.kommander.transport.RaftMessage.TimeoutNow;
import io.kommander.transport.RaftMessage.VoteResponse;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MessageCodecPropertiesTest {

    @Property(tries = 2000)
    void anyBatchRoundTripsAndItsSizeIsExact(@ForAll("batches") List<RaftMessage> messages) {
        MessageBatch batch = new MessageBatch("127.0.0.1:9", messages);
        ByteBuf buf = Unpooled.buffer();
        MessageCodec.encode(batch, buf);
        assertThat((long) buf.readableBytes()).isEqualTo(MessageCodec.encodedSize(batch));
        assertThat(MessageCodec.decode(buf, "127.0.0.1:9")).isEqualTo(batch);
    }

    /** What lets the transport promise maxFrameLength - 6 as its batch budget: estimates never underestimate. */
    @Property(tries = 2000)
    void aBatchNeverEncodesLargerThanItsMessagesEstimatesPlusTheCount(
            @ForAll("batchesWithAnyText") List<RaftMessage> messages) {
        MessageBatch batch = new MessageBatch("127.0.0.1:9", messages);
        long estimates = messages.stream().mapToLong(RaftMessage::sizeEstimate).sum();
        assertThat(MessageCodec.encodedSize(batch)).isLessThanOrEqualTo(estimates + 5);
    }

    @Property(tries = 5000)
    void varintsAndZigzagRoundTripWithTheSizeTheyAnnounce(@ForAll int i, @ForAll long l) {
        ByteBuf buf = Unpooled.buffer();
        BufferSink out = new BufferSink(buf);
        out.varInt(i);
        out.varLong(l);
        out.zigzag(l);
        assertThat(buf.readableBytes()).isEqualTo(SizeSink.varIntSize(i) + SizeSink.varLongSize(l)
                + SizeSink.varLongSize((l << 1) ^ (l >> 63)));
        WireReader in = new WireReader(buf);
        assertThat(in.varInt()).isEqualTo(i);
        assertThat(in.varLong()).isEqualTo(l);
        assertThat(in.zigzag()).isEqualTo(l);
        assertThat(in.remaining()).isZero();
    }

    @Provide
    Arbitrary<List<RaftMessage>> batches() {
        return Arbitraries.oneOf(requestVotes(), voteResponses(), appendLogs(Arbitraries.strings().ofMaxLength(12)),
                appendResponses(), timeouts(), rosterRequests(), rosterResponses(), mapRequests(), mapResponses(),
                quiesces(), nodeHeartbeats(), membershipQueries(), replicaRemovals(), releaseQueries(),
                releaseAnswers())
                .list().ofMaxSize(20);
    }

    /** As {@link #batches()}, with log types of any characters, lone surrogates included (they do not round-trip). */
    @Provide
    Arbitrary<List<RaftMessage>> batchesWithAnyText() {
        return Arbitraries.oneOf(requestVotes(), voteResponses(),
                appendLogs(Arbitraries.strings().all().ofMaxLength(12)), appendResponses(), timeouts())
                .list().ofMaxSize(20);
    }

    private static Arbitrary<Integer> partitions() {
        return Arbitraries.integers().between(-1, 100_000).edgeCases(c -> c.includeOnly(0, Integer.MAX_VALUE));
    }

    private static Arbitrary<Long> positions() {
        return Arbitraries.longs().between(0, Long.MAX_VALUE);
    }

    private static Arbitrary<RaftMessage> requestVotes() {
        return Combinators.combine(partitions(), positions(), positions(), positions(), Arbitraries.of(true, false),
                Arbitraries.of(true, false)).as(RequestVote::new);
    }

    private static Arbitrary<RaftMessage> voteResponses() {
        return Combinators.combine(partitions(), positions(), Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as(VoteResponse::new);
    }

    private static Arbitrary<RaftMessage> appendResponses() {
        return Combinators.combine(partitions(), positions(), Arbitraries.of(true, false), Arbitraries.longs(),
                Arbitraries.longs()).as(AppendLogsResponse::new);
    }

    private static Arbitrary<RaftMessage> timeouts() {
        return Combinators.combine(partitions(), Arbitraries.longs(), Arbitraries.longs()).as(TimeoutNow::new);
    }

    private static Arbitrary<RaftMessage> quiesces() {
        return Combinators.combine(partitions(), positions(), positions(), positions()).as(RaftMessage.Quiesce::new);
    }

    private static Arbitrary<RaftMessage> membershipQueries() {
        return Combinators.combine(partitions(), positions(), positions()).as(RaftMessage.MembershipQuery::new);
    }

    private static Arbitrary<RaftMessage> replicaRemovals() {
        return Combinators.combine(partitions(), positions(), positions()).as(RaftMessage.ReplicaRemoved::new);
    }

    private static Arbitrary<RaftMessage> releaseQueries() {
        return Combinators.combine(partitions(), positions(), Arbitraries.strings().ofMaxLength(40))
                .as(RaftMessage.ReleaseQuery::new);
    }

    private static Arbitrary<RaftMessage> releaseAnswers() {
        return Combinators.combine(partitions(), positions(), Arbitraries.strings().ofMaxLength(40))
                .as(RaftMessage.MemberReleased::new);
    }

    private static Arbitrary<RaftMessage> nodeHeartbeats() {
        return Arbitraries.longs().map(boot -> new RaftMessage.NodeHeartbeat(0, 0, boot));
    }

    private static Arbitrary<RaftMessage> rosterRequests() {
        return Combinators.combine(Arbitraries.longs().greaterOrEqual(0), Arbitraries.integers().between(1,
                RaftMessage.RosterRequest.MAX_KIND), Arbitraries.strings().ofMinLength(1).ofMaxLength(30),
                Arbitraries.integers(), Arbitraries.longs())
                .as((id, kind, endpoint, nodeId, incarnation) -> new RaftMessage.RosterRequest(0, 0, id, kind,
                        endpoint, nodeId, incarnation));
    }

    private static Arbitrary<RaftMessage> rosterResponses() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.strings().ofMaxLength(30), Arbitraries.longs(),
                Arbitraries.strings().ofMaxLength(30))
                .as((id, status, version, hint) -> new RaftMessage.RosterResponse(0, 0, id, status, version, hint));
    }

    private static Arbitrary<RaftMessage> mapRequests() {
        return Combinators.combine(Arbitraries.longs().greaterOrEqual(0), Arbitraries.integers().between(1, 6),
                Arbitraries.integers().greaterOrEqual(0), Arbitraries.of(true, false), Arbitraries.longs(),
                Arbitraries.longs())
                .as((id, kind, partition, routed, first, last) -> new RaftMessage.PartitionMapRequest(0, 0, id, kind,
                        partition, routed, routed ? first : 0, routed ? last : 0));
    }

    private static Arbitrary<RaftMessage> mapResponses() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.strings().ofMaxLength(30), Arbitraries.longs(),
                Arbitraries.integers(), Arbitraries.strings().ofMaxLength(30))
                .as((id, status, version, partition, hint) -> new RaftMessage.PartitionMapResponse(0, 0, id, status,
                        version, partition, hint));
    }

    private static Arbitrary<LogEntry> entries(Arbitrary<String> types) {
        return Builders.withBuilder(() -> new Object[8])
                .use(Arbitraries.longs().between(1, Long.MAX_VALUE)).in((a, v) -> { a[0] = v; return a; })
                .use(positions()).in((a, v) -> { a[1] = v; return a; })
                .use(Arbitraries.of(EntryKind.class)).in((a, v) -> { a[2] = v; return a; })
                .use(Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.integers())
                        .as(HLCTimestamp::new))
                .in((a, v) -> { a[3] = v; return a; })
                .use(types).in((a, v) -> { a[4] = v; return a; })
                .use(Arbitraries.bytes().array(byte[].class).ofMaxSize(300)).in((a, v) -> { a[5] = v; return a; })
                .use(Arbitraries.longs()).in((a, v) -> { a[6] = v; return a; })
                .use(Arbitraries.longs().between(1, Long.MAX_VALUE)).in((a, v) -> { a[7] = v; return a; })
                .build(a -> new LogEntry((Long) a[0], (Long) a[1], (EntryKind) a[2], (HLCTimestamp) a[3],
                        (String) a[4], (byte[]) a[5], (Long) a[6], (Long) a[6] == 0 ? 0 : (Long) a[7]));
    }

    private static Arbitrary<RaftMessage> appendLogs(Arbitrary<String> types) {
        return Combinators.combine(partitions(), positions(), Arbitraries.longs(), positions(),
                entries(types).list().ofMaxSize(5), Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs())
                .as(AppendLogs::new);
    }
}
