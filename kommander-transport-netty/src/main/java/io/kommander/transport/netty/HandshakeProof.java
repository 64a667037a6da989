package io.kommander.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * The proofs of the shared-secret mode: {@code HMAC-SHA256(secret, label | transcript)}, where the transcript holds
 * the protocol version, the mode, both identities (cluster id, node ids, endpoints, member digests, partition
 * counts) and both nonces, client first. The server's proof (in WELCOME) and the client's (in AUTH) use different
 * labels, so neither can be reflected as the other; each side's fresh nonce makes a recorded proof useless on any
 * other connection. Stateless and thread-safe.
 */
final class HandshakeProof {

    /** Length of a proof: one HMAC-SHA256. */
    static final int LENGTH = 32;

    private static final byte[] CLIENT_LABEL = "kommander/v3 client proof\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_LABEL = "kommander/v3 server proof\n".getBytes(StandardCharsets.US_ASCII);

    private HandshakeProof() {
    }

    /** The proof a client sends in AUTH, signed with the client's first secret. */
    static byte[] client(SharedSecrets secrets, Handshake client, Handshake server) {
        return hmac(secrets.signing(), CLIENT_LABEL, transcript(client, server));
    }

    /** The proof a server sends in WELCOME, signed with the server's first secret. */
    static byte[] server(SharedSecrets secrets, Handshake client, Handshake server) {
        return hmac(secrets.signing(), SERVER_LABEL, transcript(client, server));
    }

    /** Whether {@code proof} is the client's proof under any of {@code secrets}; constant time per secret. */
    static boolean verifyClient(SharedSecrets secrets, byte[] proof, Handshake client, Handshake server) {
        return verify(secrets, CLIENT_LABEL, proof, transcript(client, server));
    }

    /** Whether {@code proof} is the server's proof under any of {@code secrets}; constant time per secret. */
    static boolean verifyServer(SharedSecrets secrets, byte[] proof, Handshake client, Handshake server) {
        return verify(secrets, SERVER_LABEL, proof, transcript(client, server));
    }

    private static boolean verify(SharedSecrets secrets, byte[] label, byte[] proof, byte[] transcript) {
        boolean match = false;
        for (byte[] secret : secrets.accepted()) {
            // Every secret is tried, whatever matched before: the time taken says nothing about which one did.
            match |= MessageDigest.isEqual(hmac(secret, label, transcript), proof);
        }
        return match;
    }

    private static byte[] transcript(Handshake client, Handshake server) {
        ByteBuf buf = Unpooled.buffer(256);
        try {
            BufferSink out = new BufferSink(buf);
            out.varInt(client.version());
            out.u8(client.mode().wire);
            client.writeIdentity(out);
            out.bytes(client.nonce());
            server.writeIdentity(out);
            out.bytes(server.nonce());
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    private static byte[] hmac(byte[] secret, byte[] label, byte[] transcript) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(label);
            return mac.doFinal(transcript);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }
}
