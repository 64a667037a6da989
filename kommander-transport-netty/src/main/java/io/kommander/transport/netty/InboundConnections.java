package io.kommander.transport.netty;

import io.netty.channel.Channel;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The accepted connections of one transport: caps how many may be open at once, and how many of those may still
 * be handshaking, and keeps one authenticated connection per peer endpoint. A peer that authenticates a new
 * connection replaces its older one (the older is closed, {@link CloseReason#REPLACED}): after a crash or a
 * half-open connection the peer's new connection must win, and only a peer that proved who it is can replace.
 * Thread-safe.
 */
final class InboundConnections {

    private final int maxOpen;
    private final int maxHandshaking;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger handshaking = new AtomicInteger();
    private final ConcurrentMap<String, Channel> authenticated = new ConcurrentHashMap<>();

    InboundConnections(int maxOpen, int maxHandshaking) {
        this.maxOpen = maxOpen;
        this.maxHandshaking = maxHandshaking;
    }

    /**
     * Counts a just-accepted connection as open and handshaking, if both caps allow; it stops counting by itself
     * when the connection closes.
     *
     * @return the admission to report authentication through, or null if a cap is reached (close the connection)
     */
    Admission admit(Channel channel) {
        if (!tryIncrement(open, maxOpen)) {
            return null;
        }
        if (!tryIncrement(handshaking, maxHandshaking)) {
            open.decrementAndGet();
            return null;
        }
        Admission admission = new Admission(channel);
        channel.closeFuture().addListener(f -> admission.closed());
        return admission;
    }

    /** Connections open now, handshaking or not. */
    int open() {
        return open.get();
    }

    /** Connections still handshaking now. */
    int handshaking() {
        return handshaking.get();
    }

    /** Authenticated connections now: at most one per peer. */
    int authenticated() {
        return authenticated.size();
    }

    /** Why a connection was not admitted, for the log. */
    String refusalDetail() {
        return "inbound connections: " + open.get() + " open (cap " + maxOpen + "), " + handshaking.get()
                + " handshaking (cap " + maxHandshaking + ")";
    }

    private static boolean tryIncrement(AtomicInteger counter, int max) {
        int current;
        do {
            current = counter.get();
            if (current >= max) {
                return false;
            }
        } while (!counter.compareAndSet(current, current + 1));
        return true;
    }

    /** One admitted connection. */
    final class Admission {

        private final Channel channel;
        private final AtomicBoolean stillHandshaking = new AtomicBoolean(true);
        private volatile String peer;

        private Admission(Channel channel) {
            this.channel = channel;
        }

        /**
         * Records that the connection authenticated as {@code peerEndpoint}; it no longer counts as handshaking.
         *
         * @return the peer's previous authenticated connection, which the caller closes, or null
         */
        Channel authenticatedAs(String peerEndpoint) {
            if (stillHandshaking.compareAndSet(true, false)) {
                handshaking.decrementAndGet();
            }
            peer = peerEndpoint;
            Channel previous = authenticated.put(peerEndpoint, channel);
            return previous == channel ? null : previous;
        }

        private void closed() {
            if (stillHandshaking.compareAndSet(true, false)) {
                handshaking.decrementAndGet();
            }
            String endpoint = peer;
            if (endpoint != null) {
                authenticated.remove(endpoint, channel);
            }
            open.decrementAndGet();
        }
    }
}
