package io.kommander.transport.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/** The listening socket of a transport: accepts peers and sets up their pipelines. */
final class NettyServer {

    private static final int BACKLOG = 1024;

    private final Channel channel;

    private NettyServer(Channel channel) {
        this.channel = channel;
    }

    /**
     * Binds {@code host:port}, waiting for the bind to complete.
     *
     * @throws UncheckedIOException if the address cannot be bound
     */
    static NettyServer bind(IoResources io, PipelineFactory pipelines, NettyTransportOptions options, String host,
                            int port) {
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
        return new NettyServer(bound.channel());
    }

    /** The port actually bound. */
    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Stops accepting; accepted connections are closed with the event loops. */
    void close() {
        channel.close().awaitUninterruptibly();
    }
}
