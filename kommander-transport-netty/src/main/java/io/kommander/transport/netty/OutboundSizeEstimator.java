package io.kommander.transport.netty;

import io.netty.channel.DefaultMessageSizeEstimator;
import io.netty.channel.MessageSizeEstimator;

/**
 * Tells Netty how many bytes an {@link OutboundBatch} will take before it is encoded, so that batches queued by
 * other threads count against the write-buffer watermarks at once and back-pressure is exact. Stateless.
 */
final class OutboundSizeEstimator implements MessageSizeEstimator {

    static final OutboundSizeEstimator INSTANCE = new OutboundSizeEstimator();

    private static final Handle HANDLE = new Handle() {
        private final Handle fallback = DefaultMessageSizeEstimator.DEFAULT.newHandle();

        @Override
        public int size(Object msg) {
            return msg instanceof OutboundBatch batch ? batch.frameLength() : fallback.size(msg);
        }
    };

    private OutboundSizeEstimator() {
    }

    @Override
    public Handle newHandle() {
        return HANDLE;
    }
}
