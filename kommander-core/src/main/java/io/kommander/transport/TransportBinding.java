package io.kommander.transport;

/**
 * What a transport needs to know when it starts.
 *
 * @param localEndpoint this node's endpoint, {@code host:port}, to listen on and to identify itself with
 * @param nodeId        this node's numeric id
 * @param clusterId     the cluster's id; peers of another cluster are refused
 * @param handler       where inbound batches go
 */
public record TransportBinding(String localEndpoint, int nodeId, String clusterId, InboundHandler handler) {
}
