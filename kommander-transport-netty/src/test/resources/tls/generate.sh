#!/usr/bin/env bash
# Regenerates the TLS test fixtures with the JDK's keytool only (no network, no OpenSSL, no BouncyCastle).
# Two certificate authorities: A (the test cluster's) and B (a stranger's). Nodes 1 and 2 hold certificates of
# CA A, node 3 one of CA B. Validity is 100 years, so the committed files do not expire under the tests.
#
#   ca-a.pem, ca-b.pem              CA certificates (PEM)
#   truststore-a.p12                PKCS#12 trust store holding CA A          (password: changeit)
#   node1.pem/.key, node3-b.pem/.key  certificate chain and PKCS#8 private key (PEM, unencrypted)
#   node2.p12                       PKCS#12 key store with node 2's key and chain (password: changeit)
set -euo pipefail
cd "$(dirname "$0")"
PASS=changeit
DAYS=36500
rm -f ./*.p12 ./*.pem ./*.key ./*.crt

ca() { # name, CN
  keytool -genkeypair -alias ca -keyalg EC -groupname secp256r1 -dname "CN=$2" -ext bc:c \
    -validity $DAYS -keystore "$1.p12" -storetype PKCS12 -storepass $PASS
  keytool -exportcert -rfc -alias ca -keystore "$1.p12" -storepass $PASS -file "$1.pem"
}

node() { # name, CA name
  keytool -genkeypair -alias node -keyalg EC -groupname secp256r1 -dname "CN=$1" \
    -validity $DAYS -keystore "$1.p12" -storetype PKCS12 -storepass $PASS
  keytool -certreq -alias node -keystore "$1.p12" -storepass $PASS -file "$1.csr"
  keytool -gencert -alias ca -keystore "$2.p12" -storepass $PASS -infile "$1.csr" -outfile "$1.crt" -rfc \
    -validity $DAYS -ext san=ip:127.0.0.1,dns:localhost -ext eku=serverAuth,clientAuth
  keytool -importcert -noprompt -alias ca -file "$2.pem" -keystore "$1.p12" -storepass $PASS
  keytool -importcert -noprompt -alias node -file "$1.crt" -keystore "$1.p12" -storepass $PASS
  keytool -delete -alias ca -keystore "$1.p12" -storepass $PASS
  java PemExport.java "$1.p12" $PASS node "$1"
  rm -f "$1.csr" "$1.crt"
}

ca ca-a "Kommander Test CA A"
ca ca-b "Kommander Test CA B"
keytool -importcert -noprompt -alias ca-a -file ca-a.pem -keystore truststore-a.p12 -storetype PKCS12 -storepass $PASS
node node1 ca-a
node node2 ca-a
node node3-b ca-b
rm -f ca-a.p12 ca-b.p12 node1.p12 node3-b.p12
