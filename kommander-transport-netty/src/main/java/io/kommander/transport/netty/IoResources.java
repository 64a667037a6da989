package io.kommander.transport.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.TimeUnit;

/**
 * The event loop threads of one transport and the channel classes that go with them: native epoll when the
 * platform has it (and it is preferred), NIO otherwise. {@link #close()} returns only once every thread is gone.
 */
final class IoResources implements AutoCloseable {

    private static final long SHUTDOWN_TIMEOUT_SECONDS = 10;

    private final EventLoopGroup group;
    private final boolean nativeTransport;

    private IoResources(EventLoopGroup group, boolean nativeTransport) {
        this.group = group;
        this.nativeTransport = nativeTransport;
    }

    static IoResources create(int threads, String threadNamePrefix, boolean preferNative) {
        boolean useEpoll = preferNative && Epoll.isAvailable();
        IoHandlerFactory io = useEpoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        DefaultThreadFactory threadFactory = new DefaultThreadFactory(threadNamePrefix, true);
        return new IoResources(new MultiThreadIoEventLoopGroup(threads, threadFactory, io), useEpoll);
    }

    EventLoopGroup group() {
        return group;
    }

    boolean nativeTransport() {
        return nativeTransport;
    }

    Class<? extends SocketChannel> socketChannel() {
        return nativeTransport ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    Class<? extends ServerChannel> serverChannel() {
        return nativeTransport ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** Shuts the threads down at once (no quiet period) and waits for them to end. */
    @Override
    public void close() {
        group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .awaitUninterruptibly(2 * SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
