import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;

/** Writes a PKCS#12 entry's private key (PKCS#8) and certificate chain as PEM. Used by generate.sh only. */
public class PemExport {
    public static void main(String[] args) throws Exception {
        char[] password = args[1].toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(args[0])) {
            store.load(in, password);
        }
        Key key = store.getKey(args[2], password);
        Files.writeString(Path.of(args[3] + ".key"), pem("PRIVATE KEY", key.getEncoded()));
        StringBuilder chain = new StringBuilder();
        for (Certificate certificate : store.getCertificateChain(args[2])) {
            chain.append(pem("CERTIFICATE", certificate.getEncoded()));
        }
        Files.writeString(Path.of(args[3] + ".pem"), chain.toString());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
