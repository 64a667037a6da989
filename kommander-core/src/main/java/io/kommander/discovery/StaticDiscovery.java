package io.kommander.discovery;

import java.util.List;

/** A fixed list of peers, given at start. Immutable and thread-safe. */
public final class StaticDiscovery implements IDiscovery {

    private final List<String> peers;

    private StaticDiscovery(List<String> peers) {
        this.peers = List.copyOf(peers);
    }

    /**
     * Creates a discovery over the given peer endpoints.
     *
     * @param peers {@code host:port} of each other node
     * @throws IllegalArgumentException if an endpoint is not of the form {@code host:port} or appears twice
     */
    public static StaticDiscovery of(String... peers) {
        return of(List.of(peers));
    }

    /** As {@link #of(String...)}, from a list. */
    public static StaticDiscovery of(List<String> peers) {
        for (String peer : peers) {
            Endpoints.parsePort(peer);
        }
        if (peers.stream().distinct().count() != peers.size()) {
            throw new IllegalArgumentException("peer endpoints must be distinct: " + peers);
        }
        return new StaticDiscovery(peers);
    }

    @Override
    public List<String> peers() {
        return peers;
    }

    @Override
    public String toString() {
        return "StaticDiscovery" + peers;
    }
}
