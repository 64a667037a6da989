package io.kommander.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Encodes an {@link OutboundBatch} into one BATCH frame, in one pooled direct buffer allocated at its exact size;
 * entry payloads are copied once, into that buffer. Other outbound messages (handshake frames) pass through.
 */
final class BatchEncoder extends MessageToByteEncoder<OutboundBatch> {

    private final TransportMetrics metrics;

    BatchEncoder(TransportMetrics metrics) {
        super(OutboundBatch.class, true);
        this.metrics = metrics;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, OutboundBatch msg, boolean preferDirect) {
        return ctx.alloc().ioBuffer(msg.frameLength());
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, OutboundBatch msg, ByteBuf out) {
        FrameWriter.writeHeader(out, FrameType.BATCH, msg.bodyLength());
        MessageCodec.encode(msg.batch(), out);
        metrics.frameSent(msg.frameLength(), msg.batch().messages().size());
    }
}
