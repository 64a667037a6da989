package io.kommander.transport.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * The listening socket of a transport: accepts peers, sets up their pipelines, and keeps track of the accepted
 * connections so that {@link #close()} can close them itself (shutting the event loops down alone did not always
 * close an accepted socket, which left the peer writing into a dead connection).
 */
final class NettyServer {

    private static final int BACKLOG = 1024;

    private final Channel channel;
    private final ChannelGroup accepted;

    private NettyServer(Channel channel, ChannelGroup accepted) {
        this.channel = channel;
        this.accepted = accepted;
    }

    /**
     * Binds {@code host:port}, waiting for the bind to complete.
     *
     * @throws UncheckedIOException if the address cannot be bound
     */
    static NettyServer bind(IoResources io, PipelineFactory pipelines, NettyTransportOptions options, String host,
                            int port) {
        // Closed channels leave the group by themselves; the immediate executor starts no thread.
        ChannelGroup accepted = new DefaultChannelGroup("kommander-accepted", ImmediateEventExecutor.INSTANCE);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(io.group())
                .channel(io.serverChannel())
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, ByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                        options.writeBufferLowWaterMark(), options.writeBufferHighWaterMark()))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.add(ch);
                        pipelines.initServer(ch);
                    }
                });
        ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            String message = "cannot listen on " + host + ":" + port + ": " + cause.getMessage();
            throw new UncheckedIOException(message,
                    cause instanceof IOException io0 ? io0 : new IOException(message, cause));
        }
        return new NettyServer(bound.channel(), accepted);
    }

    /** The port actually bound. */
    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Stops accepting, then closes every accepted connection and waits until they are closed. */
    void close() {
        channel.close().awaitUninterruptibly();
        accepted.close().awaitUninterruptibly();
    }
}
