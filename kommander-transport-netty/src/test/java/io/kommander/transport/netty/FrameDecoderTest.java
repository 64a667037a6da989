package io.kommander.transport.netty;

import io.kommander.transport.MessageBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameDecoderTest {

    @AfterAll
    static void noLeaks() {
        LeakRecorder.assertNoLeaks();
    }

    @Test
    void framesSplitAtAnyBoundaryAreReassembled() {
        MessageBatch batch = SampleMessages.batch("a:1", 3);
        byte[] one = SampleMessages.frameBytes(batch);
        byte[] stream = new byte[one.length * 3];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(one, 0, stream, i * one.length, one.length);
        }
        Random random = new Random(7);
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1 << 20));
        for (int at = 0; at < stream.length; ) {
            int n = Math.min(stream.length - at, 1 + random.nextInt(40));
            channel.writeInbound(Unpooled.copiedBuffer(stream, at, n));
            at += n;
        }
        List<MessageBatch> decoded = new ArrayList<>();
        for (ByteBuf frame; (frame = channel.readInbound()) != null; ) {
            try {
                assertThat((int) frame.readUnsignedByte()).isEqualTo(FrameType.BATCH);
                decoded.add(MessageCodec.decode(frame, "a:1"));
            } finally {
                frame.release();
            }
        }
        assertThat(decoded).containsExactly(batch, batch, batch);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void zeroLengthFrameIsMalformedAndLaterBytesAreDiscarded() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0, 1, 2, 3})))
                .hasCauseInstanceOf(ProtocolException.class).hasMessageContaining("length 0");
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1, 16}));
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void announcedLengthAboveTheLimitFailsBeforeTheBodyArrives() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x7F, 0, 0, 0})))
                .hasCauseInstanceOf(ProtocolException.class)
                .hasMessageContaining("frame of 2130706432 bytes exceeds the limit of 1024");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void connectionEndingInsideAFrameIsReported() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024));
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 10, 16, 1}));
        assertThatThrownBy(channel::finish).hasCauseInstanceOf(ProtocolException.class)
                .hasMessageContaining("connection ended inside a frame");
        assertThat(channel.releaseInbound()).isFalse();
    }

    @Test
    void aBatchRightBehindTheFrameThatRaisesTheLimitMeetsTheRaisedLimit() {
        // A client in the shared-secret mode sends AUTH and then batches at once; both may arrive in one read.
        FrameDecoder decoder = new FrameDecoder(FrameDecoder.HANDSHAKE_MAX_FRAME_LENGTH);
        List<Integer> lengths = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf frame = (ByteBuf) msg;
                lengths.add(frame.readableBytes());
                frame.release();
                decoder.maxFrameLength(1 << 20); // what the server does once the peer has proved who it is
            }
        });
        int large = 3 * FrameDecoder.HANDSHAKE_MAX_FRAME_LENGTH;
        ByteBuf read = Unpooled.buffer();
        read.writeInt(2).writeByte(FrameType.AUTH).writeByte(0);
        read.writeInt(large).writeBytes(new byte[large]);
        channel.writeInbound(read);
        assertThat(lengths).containsExactly(2, large);
        assertThat(channel.finish()).isFalse();
    }
}
