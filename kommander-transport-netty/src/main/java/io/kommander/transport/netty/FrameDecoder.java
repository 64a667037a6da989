package io.kommander.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Splits the byte stream into frames ({@code u32 length | type | body}) and emits each as a retained slice holding
 * the type byte and the body; the handler that receives a frame releases it. A length of zero or above the current
 * maximum fails the connection: the decoder discards everything after it, so one bad frame produces one error.
 *
 * <p>The maximum starts at the handshake limit and is raised by the server once the peer has authenticated, so an
 * unauthenticated peer can never make the node buffer a large frame. On accepted connections two more limits hold
 * (both optional, for the client side): a frame must arrive whole within the frame read timeout of its first
 * bytes ({@link CloseReason#FRAME_TIMEOUT}), and while it is incomplete its announced length is reserved from the
 * transport's {@link InboundMemoryBudget} ({@link CloseReason#INBOUND_MEMORY_LIMIT} if it does not fit). Confined
 * to the channel's event loop.
 */
final class FrameDecoder extends ByteToMessageDecoder {

    /** The largest handshake frame (HELLO, WELCOME, REFUSE, AUTH) accepted. */
    static final int HANDSHAKE_MAX_FRAME_LENGTH = 4096;

    private final InboundMemoryBudget budget;
    private final long frameTimeoutNanos;
    private int maxFrameLength;
    /** True until the limit is raised: frames are then handed on one at a time (see {@link #decode}). */
    private boolean handshaking;
    private boolean failed;
    /** Bytes reserved from the budget for the incomplete frame at the head of the stream. */
    private long reserved;
    /** Frames completed so far, which numbers the frame now arriving. */
    private long completed;
    /** The number of the incomplete frame at the head of the stream, or -1 if there is none. */
    private long partialFrame = -1;
    /** When its first bytes arrived ({@link System#nanoTime()}). */
    private long partialSince;
    private ScheduledFuture<?> timer;

    /** A decoder without a budget or a timeout (outbound connections: they only ever receive handshake frames). */
    FrameDecoder(int maxFrameLength) {
        this(maxFrameLength, null, 0);
    }

    /**
     * @param budget         what incomplete frames may pin, shared by every accepted connection; null for none
     * @param frameTimeoutNanos how long a frame may take to arrive whole, from its first bytes; 0 for no limit
     */
    FrameDecoder(int maxFrameLength, InboundMemoryBudget budget, long frameTimeoutNanos) {
        this.maxFrameLength = maxFrameLength;
        this.handshaking = maxFrameLength == HANDSHAKE_MAX_FRAME_LENGTH;
        this.budget = budget;
        this.frameTimeoutNanos = frameTimeoutNanos;
    }

    /** Changes the largest frame accepted from now on. */
    void maxFrameLength(int maxFrameLength) {
        this.maxFrameLength = maxFrameLength;
        this.handshaking = false;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!failed && in.readableBytes() >= 4) {
            long length = in.getUnsignedInt(in.readerIndex());
            if (length == 0) {
                fail(in, CloseReason.MALFORMED, "frame of length 0 (a frame holds at least its type byte)");
            }
            if (length > maxFrameLength) {
                fail(in, CloseReason.FRAME_TOO_LARGE, "frame of " + length + " bytes exceeds the limit of "
                        + maxFrameLength);
            }
            if (in.readableBytes() - 4 < length) {
                reserve(in, 4 + length);
                break;
            }
            in.skipBytes(4);
            out.add(in.readRetainedSlice((int) length));
            frameDone();
            if (handshaking) {
                // This frame may be the AUTH that raises the limit, and a client sends batches right behind it in
                // the same read: hand it on first, so the next frame's length meets the raised limit.
                break;
            }
        }
        if (failed) {
            in.skipBytes(in.readableBytes());
        } else if (!in.isReadable()) {
            partialFrame = -1;
        } else if (partialFrame != completed) {
            partialFrame = completed;
            partialSince = System.nanoTime();
            armTimer(ctx, frameTimeoutNanos);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (!failed && in.isReadable()) {
            fail(in, CloseReason.MALFORMED, "connection ended inside a frame (" + in.readableBytes()
                    + " bytes of an incomplete frame)");
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releaseReservation();
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void reserve(ByteBuf in, long frameBytes) {
        if (budget == null || reserved == frameBytes) {
            return;
        }
        releaseReservation();
        if (!budget.tryReserve(frameBytes)) {
            fail(in, CloseReason.INBOUND_MEMORY_LIMIT, "an incomplete frame of " + frameBytes + " bytes does not fit"
                    + " in what unfinished inbound frames may pin together (" + budget.limit() + " bytes, "
                    + budget.reserved() + " taken)");
        }
        reserved = frameBytes;
    }

    private void frameDone() {
        completed++;
        releaseReservation();
    }

    private void releaseReservation() {
        if (reserved > 0) {
            budget.release(reserved);
            reserved = 0;
        }
    }

    /** Makes sure a check runs within {@code delayNanos}; one timer serves every frame, one after the other. */
    private void armTimer(ChannelHandlerContext ctx, long delayNanos) {
        if (frameTimeoutNanos > 0 && timer == null) {
            timer = ctx.executor().schedule(() -> onTimer(ctx), delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void onTimer(ChannelHandlerContext ctx) {
        timer = null;
        if (failed || partialFrame < 0 || !ctx.channel().isActive()) {
            return;
        }
        long waited = System.nanoTime() - partialSince;
        if (waited < frameTimeoutNanos) {
            armTimer(ctx, frameTimeoutNanos - waited);
            return;
        }
        failed = true;
        ctx.fireExceptionCaught(new ProtocolException(CloseReason.FRAME_TIMEOUT, "a frame was incomplete for "
                + TimeUnit.NANOSECONDS.toMillis(waited) + " ms (" + actualReadableBytes()
                + " bytes received); the limit is " + TimeUnit.NANOSECONDS.toMillis(frameTimeoutNanos) + " ms"));
    }

    private void fail(ByteBuf in, CloseReason reason, String message) {
        failed = true;
        in.skipBytes(in.readableBytes());
        throw new ProtocolException(reason, message);
    }
}
