package io.kommander.internal.system;

import io.kommander.transport.RaftMessage.RosterRequest;
import io.kommander.transport.RaftMessage.RosterResponse;

/**
 * Which roster messages a node takes, checked before any field is used. A request's fields are data from the
 * network: its kind must be known and its endpoint plausible. Who may ask what: a node outside the roster may only ask
 * to join, for itself (the cluster id was checked by the transport's handshake), or about its own leaving (a removed
 * node learns that way that its removal ended); a member may only ask for its own promotion and report its own
 * identity, may ask any member to leave, and may report that a partition it leads refuses to take a leaving member
 * out. Stateless.
 */
public final class RosterMessageSanity {

    /** The longest endpoint a roster message may carry, in characters. */
    public static final int MAX_ENDPOINT_CHARS = 1024;

    private RosterMessageSanity() {
    }

    /**
     * @param from     the sender, as its transport authenticated it
     * @param isMember whether the sender is in this node's roster (or, before the roster is known, its member list)
     */
    public static boolean admissible(String from, RosterRequest request, boolean isMember) {
        if (request.partition() != 0 || request.term() != 0 || request.requestId() < 0 || request.kind() < 1
                || request.kind() > RosterRequest.MAX_KIND || request.endpoint().isEmpty()
                || request.endpoint().length() > MAX_ENDPOINT_CHARS || request.nodeId() < 0) {
            return false;
        }
        RosterCommand.Kind kind = RosterCommand.kindOf(request.kind());
        boolean forItself = request.endpoint().equals(from);
        return switch (kind) {
            case JOIN -> forItself;
            case PROMOTE, IDENTIFY -> isMember && forItself;
            case LEAVE, REMOVE -> isMember || forItself;
            case REFUSAL -> isMember;
            case BOOTSTRAP -> false;
        };
    }

    /** Whether a response is well formed (whether it answers anything is the client's business). */
    public static boolean admissible(RosterResponse response) {
        return response.partition() == 0 && response.term() == 0 && response.requestId() >= 0
                && response.version() >= 0 && response.leaderHint().length() <= MAX_ENDPOINT_CHARS;
    }

    /** The command a request asks for. */
    public static RosterCommand command(RosterRequest request) {
        return RosterCommand.of(RosterCommand.kindOf(request.kind()), request.endpoint(), request.nodeId(),
                request.incarnation());
    }
}
