package io.kommander.transport.netty;

import io.kommander.discovery.Endpoints;
import io.kommander.transport.NodeIdentity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;

/** A hand-driven client socket that writes whatever a test wants, to probe how a node handles bad peers. */
final class RawPeer implements AutoCloseable {

    private static final SecureRandom NONCES = new SecureRandom();

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

    /**
     * A connection that has completed the shared-secret handshake with the test cluster's secrets as node 99 at
     * {@code endpoint}: from now on what it writes is read as BATCH frames.
     */
    static RawPeer handshaken(String serverEndpoint, String ownEndpoint) {
        RawPeer peer = connect(serverEndpoint);
        Handshake self = handshake(PeerAuthMode.SHARED_SECRET, 99, ownEndpoint);
        Handshake server = peer.helloAndWelcome(self);
        peer.write(authFrame(HandshakeProof.client(TestNode.SECRETS, self, server)));
        return peer;
    }

    /** A handshake of the test cluster in {@code mode}, with a fresh nonce. */
    static Handshake handshake(PeerAuthMode mode, int nodeId, String endpoint) {
        return handshake(mode, TestNode.identity(nodeId, endpoint));
    }

    /** A handshake presenting {@code identity} in {@code mode}, with a fresh nonce. */
    static Handshake handshake(PeerAuthMode mode, NodeIdentity identity) {
        return Handshake.template(Handshake.CURRENT_VERSION, mode, identity).withFreshNonce(NONCES);
    }

    /** Sends HELLO and reads the WELCOME (its proof is not checked: a test peer trusts anyone). */
    Handshake helloAndWelcome(Handshake self) {
        write(hello(self));
        WireReader welcome = new WireReader(Unpooled.wrappedBuffer(readFrame()));
        int type = welcome.u8();
        if (type != FrameType.WELCOME) {
            throw new IllegalStateException("expected WELCOME, got frame type " + type);
        }
        return Handshake.read(welcome, Handshake.readVersion(welcome));
    }

    /** The bytes of a HELLO frame. */
    static byte[] hello(Handshake handshake) {
        return bytes(handshake.hello(UnpooledByteBufAllocator.DEFAULT));
    }

    /** The bytes of a WELCOME frame carrying {@code proof}. */
    static byte[] welcome(Handshake handshake, byte[] proof) {
        return bytes(handshake.welcome(UnpooledByteBufAllocator.DEFAULT, proof));
    }

    /** The bytes of an AUTH frame carrying {@code proof}. */
    static byte[] authFrame(byte[] proof) {
        return bytes(FrameWriter.frame(UnpooledByteBufAllocator.DEFAULT, FrameType.AUTH, out -> out.bytes(proof)));
    }

    private static byte[] bytes(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** Reads one frame and returns its type byte and body. */
    byte[] readFrame() {
        byte[] header = readFully(4);
        if (header.length < 4) {
            throw new IllegalStateException("the node closed the connection");
        }
        int length = ((header[0] & 0xFF) << 24) | ((header[1] & 0xFF) << 16) | ((header[2] & 0xFF) << 8)
                | (header[3] & 0xFF);
        return readFully(length);
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
