package io.kommander.bench.node.process;

import io.kommander.bench.node.NodeStats;
import io.kommander.bench.node.WriteOutcome;
import io.kommander.bench.system.NodeLedger;
import io.kommander.bench.system.Payloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeCodecTest {

    static Stream<NodeRequest> requests() {
        return Stream.of(new NodeRequest.IsLeader(7), new NodeRequest.Ledger(), new NodeRequest.Configuration(),
                new NodeRequest.Stats(), new NodeRequest.Close());
    }

    static Stream<NodeReply> replies() {
        return Stream.of(new NodeReply.Written(WriteOutcome.ACKNOWLEDGED),
                new NodeReply.Written(new WriteOutcome.NotLeader(2, "NodeIsNotLeader")),
                new NodeReply.Written(new WriteOutcome.NotLeader(-1, "no leader")),
                new NodeReply.Written(new WriteOutcome.Failed("disk full: é")), new NodeReply.Flag(true),
                new NodeReply.Text("kommander: config\n  jvms: per-node"), new NodeReply.Error("boom"),
                new NodeReply.Stats(new NodeStats(1_500_000_000L, 2_345, 67, 4096, 12, 300, 40, 65_536,
                        BitSet.valueOf(new long[] {0b1011}),
                        BitSet.valueOf(new long[] {0b11}), BitSet.valueOf(new long[] {0b1, 1L << 63}),
                        BitSet.valueOf(new long[] {0b1}), true)));
    }

    @ParameterizedTest
    @MethodSource("requests")
    void requestsSurviveARoundTrip(NodeRequest request) throws Exception {
        Envelope<NodeRequest> decoded = NodeCodec.decodeRequest(NodeCodec.encodeRequest(42, request));

        assertThat(decoded).isEqualTo(new Envelope<>(42L, request));
    }

    @Test
    void aWriteRequestKeepsItsPartitionAndPayload() throws Exception {
        byte[] payload = Payloads.create(99, 300);

        NodeRequest decoded = NodeCodec.decodeRequest(NodeCodec.encodeRequest(1,
                new NodeRequest.Write(3, payload))).body();

        assertThat(decoded).isInstanceOfSatisfying(NodeRequest.Write.class, write -> {
            assertThat(write.partition()).isEqualTo(3);
            assertThat(write.payload()).isEqualTo(payload);
        });
    }

    @ParameterizedTest
    @MethodSource("replies")
    void repliesSurviveARoundTrip(NodeReply reply) throws Exception {
        Envelope<NodeReply> decoded = NodeCodec.decodeReply(NodeCodec.encodeReply(Long.MAX_VALUE, reply));

        assertThat(decoded).isEqualTo(new Envelope<>(Long.MAX_VALUE, reply));
    }

    @Test
    void aLedgerKeepsItsIdsCountsAndOrderDigestPerPartition() throws Exception {
        NodeLedger ledger = new NodeLedger(2);
        for (long id : new long[] {5, 1, 1000, 3}) {
            ledger.deliver((int) (id % 2), Payloads.create(id, 16));
        }

        NodeReply decoded = NodeCodec.decodeReply(NodeCodec.encodeReply(9, new NodeReply.Ledger(ledger))).body();

        NodeLedger copy = ((NodeReply.Ledger) decoded).ledger();
        assertThat(copy.partitionCount()).isEqualTo(2);
        for (int p = 0; p < 2; p++) {
            assertThat(copy.partition(p).ids()).isEqualTo(ledger.partition(p).ids());
            assertThat(copy.partition(p).count()).isEqualTo(ledger.partition(p).count());
            assertThat(copy.partition(p).digest()).isEqualTo(ledger.partition(p).digest());
        }
    }

    @Test
    void framesAreReadBackOneByOneAndACleanEndIsNull() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        byte[] first = NodeCodec.encodeRequest(1, new NodeRequest.Ledger());
        byte[] second = NodeCodec.encodeRequest(2, new NodeRequest.IsLeader(0));
        NodeCodec.writeFrame(out, first);
        NodeCodec.writeFrame(out, second);

        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));

        assertThat(NodeCodec.readFrame(in)).isEqualTo(first);
        assertThat(NodeCodec.readFrame(in)).isEqualTo(second);
        assertThat(NodeCodec.readFrame(in)).isNull();
    }

    @Test
    void aFrameLengthOutOfRangeIsRejected() {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(ByteBuffer.allocate(4).putInt(-5).array()));

        assertThatThrownBy(() -> NodeCodec.readFrame(in)).isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("frame length -5");
    }

    @Test
    void aStreamEndingInsideAFrameIsRejected() {
        byte[] truncated = ByteBuffer.allocate(8).putInt(20).putInt(1).array();
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(truncated));

        assertThatThrownBy(() -> NodeCodec.readFrame(in)).isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("ended inside a frame");
    }

    @Test
    void anUnknownTagIsRejected() {
        byte[] frame = ByteBuffer.allocate(9).putLong(1).put((byte) 99).array();

        assertThatThrownBy(() -> NodeCodec.decodeRequest(frame)).isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("unknown request tag 99");
        assertThatThrownBy(() -> NodeCodec.decodeReply(frame)).isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("unknown reply tag 99");
    }

    @Test
    void aFrameCutInsideItsFieldsIsRejected() {
        byte[] frame = NodeCodec.encodeRequest(1, new NodeRequest.Write(0, new byte[100]));

        assertThatThrownBy(() -> NodeCodec.decodeRequest(Arrays.copyOf(frame, frame.length - 1)))
                .isInstanceOf(MalformedFrameException.class).hasMessageContaining("does not fit");
    }

    @Test
    void bytesAfterTheFieldsAreRejected() {
        byte[] frame = NodeCodec.encodeRequest(1, new NodeRequest.IsLeader(0));

        assertThatThrownBy(() -> NodeCodec.decodeRequest(Arrays.copyOf(frame, frame.length + 2)))
                .isInstanceOf(MalformedFrameException.class).hasMessageContaining("2 unexpected bytes");
    }
}
