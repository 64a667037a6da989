package io.kommander.transport.netty;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * TLS with mutual authentication between the nodes of a cluster: every node presents a certificate signed by the
 * cluster's CA that names it (the subject alternative name URI {@code kommander://<endpoint>/node/<nodeId>}), and
 * accepts only peers that do the same, in both directions, for the endpoint and node id they claim (see
 * {@code docs/security.md}). Load it from PEM files
 * ({@link #fromPem}) or Java key stores ({@link #fromKeyStore}); the files are read once, when the transport
 * starts. Immutable and thread-safe.
 *
 * <p>Host name verification is off by default: the cluster's CA is the trust boundary, and nodes are often
 * addressed by IP. Turn it on with {@link #withHostnameVerification(boolean)} when node certificates carry
 * their host names or IPs as subject alternative names.
 */
public final class TlsConfig {

    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final Material material;
    private final boolean hostnameVerification;

    /** Where the key, its chain and the trusted CAs come from. */
    private sealed interface Material {
        SslContextBuilder server() throws IOException, GeneralSecurityException;

        SslContextBuilder client() throws IOException, GeneralSecurityException;
    }

    private record Pem(Path chain, Path key, String keyPassword, Path trusted) implements Material {
        @Override
        public SslContextBuilder server() {
            return SslContextBuilder.forServer(chain.toFile(), key.toFile(), keyPassword).trustManager(trusted.toFile());
        }

        @Override
        public SslContextBuilder client() {
            return SslContextBuilder.forClient().keyManager(chain.toFile(), key.toFile(), keyPassword)
                    .trustManager(trusted.toFile());
        }

        @Override
        public String toString() {
            return "PEM files " + chain + ", " + key + ", " + trusted;
        }
    }

    private record Stores(Path keyStore, char[] keyPassword, Path trustStore, char[] trustPassword)
            implements Material {
        @Override
        public SslContextBuilder server() throws IOException, GeneralSecurityException {
            return SslContextBuilder.forServer(keyManagers()).trustManager(trustManagers());
        }

        @Override
        public SslContextBuilder client() throws IOException, GeneralSecurityException {
            return SslContextBuilder.forClient().keyManager(keyManagers()).trustManager(trustManagers());
        }

        private KeyManagerFactory keyManagers() throws IOException, GeneralSecurityException {
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(KeyStore.getInstance(keyStore.toFile(), keyPassword), keyPassword);
            return factory;
        }

        private TrustManagerFactory trustManagers() throws IOException, GeneralSecurityException {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(KeyStore.getInstance(trustStore.toFile(), trustPassword));
            return factory;
        }

        @Override
        public String toString() {
            return "key store " + keyStore + " and trust store " + trustStore;
        }
    }

    /** Serves like {@code base} but connects without a client certificate, which peers refuse (tests only). */
    private record NoClientCertificate(Material base, Path trusted) implements Material {
        @Override
        public SslContextBuilder server() throws IOException, GeneralSecurityException {
            return base.server();
        }

        @Override
        public SslContextBuilder client() {
            return SslContextBuilder.forClient().trustManager(trusted.toFile());
        }
    }

    private TlsConfig(Material material, boolean hostnameVerification) {
        this.material = material;
        this.hostnameVerification = hostnameVerification;
    }

    /**
     * TLS from PEM files.
     *
     * @param certificateChain this node's certificate, then any intermediates (PEM)
     * @param privateKey       this node's private key, PKCS#8 PEM, unencrypted
     * @param trustedCa        the cluster CA certificate(s) that peers' certificates must chain to (PEM)
     */
    public static TlsConfig fromPem(Path certificateChain, Path privateKey, Path trustedCa) {
        return fromPem(certificateChain, privateKey, null, trustedCa);
    }

    /**
     * TLS from PEM files with an encrypted private key.
     *
     * @param certificateChain this node's certificate, then any intermediates (PEM)
     * @param privateKey       this node's private key, PKCS#8 PEM
     * @param keyPassword      the private key's password, or null if it is not encrypted
     * @param trustedCa        the cluster CA certificate(s) that peers' certificates must chain to (PEM)
     */
    public static TlsConfig fromPem(Path certificateChain, Path privateKey, String keyPassword, Path trustedCa) {
        requireFile(certificateChain, "certificate chain");
        requireFile(privateKey, "private key");
        requireFile(trustedCa, "trusted CA");
        return new TlsConfig(new Pem(certificateChain, privateKey, keyPassword, trustedCa), false);
    }

    /**
     * TLS from Java key stores (PKCS#12 or JKS; the type is detected).
     *
     * @param keyStore      holds this node's private key and certificate chain
     * @param keyPassword   the key store's password, also the key's password
     * @param trustStore    holds the cluster CA certificate(s) as trusted entries
     * @param trustPassword the trust store's password
     */
    public static TlsConfig fromKeyStore(Path keyStore, char[] keyPassword, Path trustStore, char[] trustPassword) {
        requireFile(keyStore, "key store");
        requireFile(trustStore, "trust store");
        return new TlsConfig(new Stores(keyStore, keyPassword.clone(), trustStore, trustPassword.clone()), false);
    }

    /** A copy whose connections present no client certificate, trusting {@code trustedCa}; for refusal tests. */
    TlsConfig withoutClientCertificate(Path trustedCa) {
        requireFile(trustedCa, "trusted CA");
        return new TlsConfig(new NoClientCertificate(material, trustedCa), hostnameVerification);
    }

    /** A copy that does (or does not) check that a server's certificate names the host it was reached at. */
    public TlsConfig withHostnameVerification(boolean enabled) {
        return new TlsConfig(material, enabled);
    }

    /** Whether a client checks the server certificate's names against the peer's host. */
    public boolean hostnameVerification() {
        return hostnameVerification;
    }

    /** Builds the server-side context: requires and verifies a client certificate. */
    SslContext serverContext() {
        return build("server", () -> material.server().clientAuth(ClientAuth.REQUIRE));
    }

    /** Builds the client-side context: presents this node's certificate and verifies the server's. */
    SslContext clientContext() {
        return build("client", material::client);
    }

    private interface BuilderSource {
        SslContextBuilder get() throws IOException, GeneralSecurityException;
    }

    private SslContext build(String side, BuilderSource source) {
        try {
            return source.get().sslProvider(SslProvider.JDK).protocols(PROTOCOLS).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot build the TLS " + side + " context from " + material + ": "
                    + e.getMessage(), e);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load the TLS key or trust store for the " + side
                    + " context: " + e.getMessage(), e);
        }
    }

    private static void requireFile(Path path, String what) {
        if (path == null || !Files.isReadable(path)) {
            throw new IllegalArgumentException("TLS " + what + " file is not readable: " + path);
        }
    }
}
