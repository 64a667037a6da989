package io.kommander.bench.node.process;

/**
 * A request or reply with the id that pairs them: the harness numbers its requests, the node answers each with its
 * id, in any order (requests are pipelined).
 *
 * @param id   the request's id
 * @param body the request or reply
 * @param <T>  {@link NodeRequest} or {@link NodeReply}
 */
public record Envelope<T>(long id, T body) {
}
