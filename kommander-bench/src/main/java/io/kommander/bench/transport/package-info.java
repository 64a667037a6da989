/** JMH benchmarks of the Netty transport: codec throughput and loopback throughput beside a raw socket. */
package io.kommander.bench.transport;
