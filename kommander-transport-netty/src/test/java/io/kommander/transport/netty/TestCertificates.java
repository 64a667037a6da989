package io.kommander.transport.netty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Certificates made while the tests run, because a node's certificate names its endpoint and the tests' ports are
 * only known then. One CA per instance (a fresh temporary folder); node certificates carry the subject alternative
 * names {@code uri:kommander://<endpoint>/node/<id>}, {@code ip:127.0.0.1} and {@code dns:localhost}. Made with the
 * JDK's own keytool, called in-process (the surefire argLine exports {@code sun.security.tools.keytool}), so they
 * are exactly what {@code docs/security.md} tells users to run. Thread-safe for the tests' use (one at a time).
 */
final class TestCertificates {

    static final char[] PASSWORD = "changeit".toCharArray();
    private static final AtomicInteger SERIAL = new AtomicInteger();

    private final Path folder;
    private final Path caStore;
    private final Path trustStore;

    private TestCertificates(Path folder) {
        this.folder = folder;
        this.caStore = folder.resolve("ca.p12");
        this.trustStore = folder.resolve("truststore.p12");
    }

    /** A new CA with the distinguished name {@code CN=<name>}. */
    static TestCertificates newCa(String name) {
        try {
            TestCertificates ca = new TestCertificates(Files.createTempDirectory("kommander-tls-"));
            ca.folder.toFile().deleteOnExit();
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                    "-ext", "bc:c", "-validity", "3650", "-keystore", ca.caStore.toString(), "-storetype", "PKCS12",
                    "-storepass", "changeit");
            Path pem = ca.folder.resolve("ca.pem");
            keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.caStore.toString(), "-storepass",
                    "changeit", "-file", pem.toString());
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", pem.toString(), "-keystore",
                    ca.trustStore.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
            return ca;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A TLS configuration for the node that calls itself {@code nodeId} at {@code endpoint}, trusting this CA. */
    TlsConfig node(int nodeId, String endpoint) {
        return nodeWithSan(nodeId, "uri:kommander://" + endpoint + "/node/" + nodeId);
    }

    /** A TLS configuration whose certificate (of this CA) carries {@code san} and the loopback names only. */
    TlsConfig nodeWithSan(int nodeId, String san) {
        return TlsConfig.fromKeyStore(keyStoreWithSan(nodeId, san), PASSWORD, trustStore, PASSWORD);
    }

    /** The PKCS#12 key store of a certificate for the node {@code nodeId} at {@code endpoint}. */
    Path nodeKeyStore(int nodeId, String endpoint) {
        return keyStoreWithSan(nodeId, "uri:kommander://" + endpoint + "/node/" + nodeId);
    }

    /** A plain JDK TLS context presenting the certificate of {@code keyStore} and trusting this CA: a raw client. */
    SSLContext clientContext(Path keyStore) {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(KeyStore.getInstance(keyStore.toFile(), PASSWORD), PASSWORD);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(KeyStore.getInstance(trustStore.toFile(), PASSWORD));
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path keyStoreWithSan(int nodeId, String san) {
        Path store = folder.resolve("node" + nodeId + "-" + SERIAL.incrementAndGet() + ".p12");
        Path csr = folder.resolve(store.getFileName() + ".csr");
        Path crt = folder.resolve(store.getFileName() + ".crt");
        String storePath = store.toString();
        keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=node" + nodeId, "-validity", "3650", "-keystore", storePath, "-storetype", "PKCS12",
                "-storepass", "changeit");
        keytool("-certreq", "-alias", "node", "-keystore", storePath, "-storepass", "changeit", "-file",
                csr.toString());
        keytool("-gencert", "-alias", "ca", "-keystore", caStore.toString(), "-storepass", "changeit", "-infile",
                csr.toString(), "-outfile", crt.toString(), "-rfc", "-validity", "3650",
                "-ext", "san=" + san + ",ip:127.0.0.1,dns:localhost", "-ext", "eku=serverAuth,clientAuth");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", folder.resolve("ca.pem").toString(),
                "-keystore", storePath, "-storepass", "changeit");
        keytool("-importcert", "-noprompt", "-alias", "node", "-file", crt.toString(), "-keystore", storePath,
                "-storepass", "changeit");
        return store;
    }

    /** The trust store holding this CA (for a node that trusts this CA but has no certificate of it). */
    Path trustStore() {
        return trustStore;
    }

    private static void keytool(String... args) {
        try {
            Class.forName("sun.security.tools.keytool.Main").getMethod("main", String[].class)
                    .invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("keytool " + List.of(args) + " failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("keytool is not reachable: run with --add-exports "
                    + "java.base/sun.security.tools.keytool=ALL-UNNAMED", e);
        }
    }
}
