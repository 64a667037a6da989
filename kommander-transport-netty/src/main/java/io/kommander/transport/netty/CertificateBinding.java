package io.kommander.transport.netty;

import io.kommander.transport.NodeIdentity;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The mutual-TLS rule that binds a certificate to a node: the peer's certificate must carry, among its subject
 * alternative names, the URI {@code kommander://<endpoint>/node/<nodeId>} of the identity the peer claims in its
 * handshake (its endpoint exactly as it presents it, e.g. {@code kommander://10.0.0.1:7001/node/1}). A certificate
 * of the cluster's CA therefore lets its holder speak as one member only. Stateless.
 */
final class CertificateBinding {

    /** The subject-alternative-name type of a URI (RFC 5280, {@code uniformResourceIdentifier}). */
    private static final int SAN_URI = 6;

    private CertificateBinding() {
    }

    /** The URI a certificate must name for {@code identity}. */
    static String uriOf(NodeIdentity identity) {
        return "kommander://" + identity.endpoint() + "/node/" + identity.nodeId();
    }

    /**
     * Why the certificate the peer on {@code channel} presented does not name {@code claimed}, or empty if it does.
     * Called once the TLS handshake is done.
     */
    static Optional<String> mismatch(Channel channel, NodeIdentity claimed) {
        String expected = uriOf(claimed);
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null) {
            return Optional.of("no TLS on this connection");
        }
        List<String> names;
        try {
            Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            names = uris((X509Certificate) chain[0]);
        } catch (SSLPeerUnverifiedException | CertificateParsingException e) {
            return Optional.of("its certificate cannot be read: " + e.getMessage());
        }
        if (names.contains(expected)) {
            return Optional.empty();
        }
        return Optional.of("node " + claimed.nodeId() + " (" + claimed.endpoint() + ") presented a certificate that"
                + " does not name it: expected the subject alternative name URI " + expected + ", found "
                + (names.isEmpty() ? "no kommander:// URI" : String.join(", ", names)));
    }

    private static List<String> uris(X509Certificate certificate) throws CertificateParsingException {
        Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
        List<String> uris = new ArrayList<>();
        if (alternatives != null) {
            for (List<?> name : alternatives) {
                if (name.size() == 2 && Integer.valueOf(SAN_URI).equals(name.get(0))
                        && name.get(1) instanceof String uri && uri.startsWith("kommander://")) {
                    uris.add(uri);
                }
            }
        }
        return uris;
    }
}
