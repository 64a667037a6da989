package io.kommander.transport.netty;

import io.kommander.discovery.Endpoints;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** A hand-driven client socket that writes whatever a test wants, to probe how a node handles bad peers. */
final class RawPeer implements AutoCloseable {

    private final Socket socket;

    private RawPeer(Socket socket) {
        this.socket = socket;
    }

    static RawPeer connect(String endpoint) {
        try {
            Socket socket = new Socket(Endpoints.host(endpoint), Endpoints.parsePort(endpoint));
            socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
            return new RawPeer(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A connection that has completed the handshake as {@code endpoint} of the test cluster. */
    static RawPeer handshaken(String serverEndpoint, String ownEndpoint) {
        RawPeer peer = connect(serverEndpoint);
        peer.write(frame(new Handshake(Handshake.CURRENT_VERSION, TestNode.identity(99, ownEndpoint)), FrameType.HELLO));
        byte[] header = peer.readFully(5);
        int length = ((header[0] & 0xFF) << 24) | ((header[1] & 0xFF) << 16) | ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        if (header[4] != FrameType.WELCOME) {
            throw new IllegalStateException("expected WELCOME, got frame type " + header[4]);
        }
        peer.readFully(length - 1);
        return peer;
    }

    static byte[] frame(Handshake handshake, int type) {
        ByteBuf buf = handshake.frame(UnpooledByteBufAllocator.DEFAULT, type);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    void write(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes, ignoring a connection the node has already closed. */
    void writeQuietly(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (IOException ignored) {
            // the node closed the connection: what the test expects
        }
    }

    byte[] readFully(int n) {
        try {
            return socket.getInputStream().readNBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the node has closed the connection: reads until end of stream or reset (bounded by the timeout). */
    boolean closedByNode() {
        try {
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[4096];
            while (in.read(sink) >= 0) {
                // discard whatever the node said before closing (a REFUSE frame, for instance)
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
