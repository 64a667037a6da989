/**
 * A Raft transport over TCP (optionally TLS with mutual authentication) on Netty: {@link
 * io.kommander.transport.netty.NettyTransport}. The wire protocol is documented byte by byte in
 * {@code docs/wire-protocol.md}; configuration, limits and counters in {@code docs/transport-netty.md}.
 */
package io.kommander.transport.netty;
