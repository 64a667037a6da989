package io.kommander.discovery;

/** Parsing of {@code host:port} endpoint strings, the identity of a node in the cluster. */
public final class Endpoints {

    private Endpoints() {
    }

    /** Formats an endpoint from its parts. */
    public static String of(String host, int port) {
        return host + ":" + port;
    }

    /** The host part of {@code host:port}. */
    public static String host(String endpoint) {
        return endpoint.substring(0, separator(endpoint));
    }

    /**
     * The port part of {@code host:port}.
     *
     * @throws IllegalArgumentException if the endpoint is not {@code host:port} with a port in 1..65535
     */
    public static int parsePort(String endpoint) {
        int colon = separator(endpoint);
        try {
            int port = Integer.parseInt(endpoint.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range in endpoint '" + endpoint + "'");
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("endpoint '" + endpoint + "' is not host:port", e);
        }
    }

    private static int separator(String endpoint) {
        int colon = endpoint == null ? -1 : endpoint.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("endpoint '" + endpoint + "' is not host:port");
        }
        return colon;
    }
}
