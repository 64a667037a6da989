/**
 * The Netty transport for Kommander: a framed binary Raft protocol over TCP, with optional mutual TLS.
 *
 * <p>{@code io.kommander} and {@code io.netty.buffer} are transitive: {@code NettyTransport} implements the core's
 * transport SPI and {@code MessageCodec} reads and writes Netty buffers. The epoll classes are required, but their
 * native library (the {@code netty-transport-native-epoll} jar, a module of its own) is optional: without it on
 * the module graph the transport uses NIO.
 */
module io.kommander.transport.netty {
    requires transitive io.kommander;
    requires transitive io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires io.netty.transport.classes.epoll;
    requires org.slf4j;

    exports io.kommander.transport.netty;
}
