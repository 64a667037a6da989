package io.kommander.transport.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

import java.util.function.Consumer;

/** Opens an outbound connection whose pipeline reports its completed handshake to {@code onReady}. */
@FunctionalInterface
interface Connector {
    ChannelFuture connect(String endpoint, Consumer<Channel> onReady);
}
