package io.kommander.transport;

import java.util.List;

/**
 * Messages from one node to another, usually of many partitions, sent as one transport write.
 *
 * @param from     the sender's endpoint ({@code host:port})
 * @param messages the messages, in the order they were queued
 */
public record MessageBatch(String from, List<RaftMessage> messages) {
    /** Canonical constructor; copies the message list. */
    public MessageBatch {
        messages = List.copyOf(messages);
    }
}
