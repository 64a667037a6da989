package io.kommander.transport.netty;

import io.kommander.transport.MessageBatch;
import io.kommander.transport.RaftMessage;
import io.kommander.transport.RaftMessage.TimeoutNow;
import io.kommander.transport.TransportBinding;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class NettyTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @AfterAll
    static void noLeaks() {
        LeakRecorder.assertNoLeaks();
    }

    @Test
    void twoNodesExchangeBatchesAndTheSenderIsTheHandshakeEndpoint() {
        try (TestNode a = TestNode.start(1); TestNode b = TestNode.start(2)) {
            MessageBatch fromA = SampleMessages.batch("forged:1", 4);
            a.transport.send(b.endpoint, fromA);
            b.send(a, new TimeoutNow(3, 9, 0));

            await().atMost(WAIT).until(() -> b.received.size() == 1 && a.received.size() == 1);
            assertThat(b.received.peek()).isEqualTo(new MessageBatch(a.endpoint, fromA.messages()));
            assertThat(a.receivedMessages()).containsExactly(new TimeoutNow(3, 9, 0));
            assertThat(a.metrics().framesSent()).isEqualTo(1);
            assertThat(b.metrics().framesReceived()).isEqualTo(1);
            assertThat(b.metrics().messagesReceived()).isEqualTo(fromA.messages().size());
            assertThat(a.transport.usesNativeTransport()).isEqualTo(Epoll.isAvailable());
        }
    }

    @Test
    void threeNodesSendManyPartitionsToEachOtherInOrder() {
        List<TestNode> nodes = List.of(TestNode.start(1), TestNode.start(2), TestNode.start(3));
        try {
            int batches = 200;
            for (int i = 0; i < batches; i++) {
                for (TestNode from : nodes) {
                    for (TestNode to : nodes) {
                        if (from != to) {
                            List<RaftMessage> messages = new ArrayList<>();
                            for (int p = 0; p < 16; p++) {
                                messages.add(new TimeoutNow(p, i, 0));
                            }
                            from.transport.send(to.endpoint, new MessageBatch(from.endpoint, messages));
                        }
                    }
                }
            }
            for (TestNode node : nodes) {
                await().atMost(WAIT).until(() -> node.received.size() == 2 * batches);
                for (TestNode from : nodes) {
                    List<Long> terms = node.received.stream().filter(b -> b.from().equals(from.endpoint))
                            .map(b -> b.messages().get(0).term()).toList();
                    assertThat(terms).hasSize(from == node ? 0 : batches).isSorted();
                }
            }
        } finally {
            nodes.forEach(TestNode::close);
        }
    }

    @Test
    void nioWorksWhereEpollIsNotWanted() {
        try (TestNode a = TestNode.start(1, b -> b.preferNativeTransport(false));
             TestNode b = TestNode.start(2, x -> x.preferNativeTransport(false))) {
            a.send(b, new TimeoutNow(1, 1, 0));
            await().atMost(WAIT).until(() -> b.received.size() == 1);
            assertThat(a.transport.usesNativeTransport()).isFalse();
        }
    }

    @Test
    void closingANodeClosesTheConnectionsItAcceptedSoPeersNoticeAtOnce() {
        try (TestNode a = TestNode.start(1)) {
            TestNode b = TestNode.start(2);
            a.send(b, new TimeoutNow(1, 1, 0));
            await().atMost(WAIT).until(() -> b.received.size() == 1);
            b.close();
            // A sees its connection end and starts reconnecting (to nobody), without sending anything more.
            await().atMost(WAIT).until(() -> a.metrics().connectAttempts() >= 2);
        }
    }

    @Test
    void reconnectsAfterThePeerRestarts() {
        try (TestNode a = TestNode.start(1)) {
            TestNode b = TestNode.start(2);
            a.send(b, new TimeoutNow(1, 1, 0));
            await().atMost(WAIT).until(() -> b.received.size() == 1);
            b.close();

            try (TestNode restarted = TestNode.start(2, TestNode.CLUSTER, b.endpoint, x -> x)) {
                await().atMost(WAIT).untilAsserted(() -> {
                    a.send(restarted, new TimeoutNow(1, 2, 0));
                    assertThat(restarted.receivedMessages()).as(() -> "sender " + a.metrics() + "\nrestarted "
                            + restarted.metrics()).contains(new TimeoutNow(1, 2, 0));
                });
                assertThat(a.metrics().outboundHandshakes()).isGreaterThanOrEqualTo(2);
            }
        }
    }

    @Test
    void aDeadPeerIsRetriedWithBackOffNotInATightLoop() {
        String dead = FreePorts.loopbackEndpoint();
        try (TestNode a = TestNode.start(1)) {
            a.transport.send(dead, new MessageBatch(a.endpoint, List.of(new TimeoutNow(0, 1, 0))));
            await().atMost(WAIT).until(() -> a.metrics().connectFailures() >= 4);
            // Back-off of 20 ms doubling to 200 ms (each wait at least half of that): a few attempts a second.
            long before = a.metrics().connectAttempts();
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                    .until(() -> a.metrics().connectAttempts() - before <= 25);
            assertThat(a.metrics().outboundHandshakes()).isZero();
        }
    }

    @Test
    void closeEndsEveryThreadAndIsIdempotent() {
        TestNode a = TestNode.start(1);
        TestNode b = TestNode.start(2);
        a.send(b, new TimeoutNow(1, 1, 0));
        b.send(a, new TimeoutNow(1, 1, 0));
        await().atMost(WAIT).until(() -> a.received.size() == 1 && b.received.size() == 1);
        assertThat(threadsNamed(a.threadPrefix)).isNotEmpty();

        a.close();
        b.close();
        a.close();

        await().atMost(WAIT).until(() -> threadsNamed(a.threadPrefix).isEmpty() && threadsNamed(b.threadPrefix).isEmpty());
        a.send(b, new TimeoutNow(1, 2, 0));
        assertThat(a.metrics().dropped(DropReason.CLOSED)).isEqualTo(1);
    }

    @Test
    void aHandlerThatThrowsDoesNotCostTheConnection() {
        String endpoint = FreePorts.loopbackEndpoint();
        List<MessageBatch> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
        NettyTransport b = NettyTransport.builder().ioThreads(1).threadNamePrefix("kt-throwing")
                .sharedSecret(TestNode.SECRETS).build();
        b.start(new TransportBinding(TestNode.identity(2, endpoint), batch -> {
            if (batch.messages().get(0).term() == 1) {
                throw new IllegalStateException("handler bug");
            }
            accepted.add(batch);
        }, refusal -> { }));
        try (TestNode a = TestNode.start(1); b) {
            a.transport.send(endpoint, new MessageBatch(a.endpoint, List.of(new TimeoutNow(0, 1, 0))));
            a.transport.send(endpoint, new MessageBatch(a.endpoint, List.of(new TimeoutNow(0, 2, 0))));
            await().atMost(WAIT).until(() -> accepted.size() == 1);
            assertThat(b.metrics().handlerErrors()).isEqualTo(1);
            assertThat(b.metrics().inboundHandshakes()).isEqualTo(1);
        }
    }

    @Test
    void aBatchLargerThanAFrameIsDroppedAndCounted() {
        try (TestNode a = TestNode.start(1, x -> x.maxFrameLength(8192)); TestNode b = TestNode.start(2)) {
            a.send(b, SampleMessages.appendWithPayload(1, 5, 10_000));
            a.send(b, SampleMessages.appendWithPayload(1, 5, 100));
            await().atMost(WAIT).until(() -> b.received.size() == 1);
            assertThat(a.metrics().dropped(DropReason.OVERSIZED)).isEqualTo(1);
        }
    }

    @Test
    void sendBeforeStartIsDroppedAndAnUnbindableEndpointFailsStart() {
        NettyTransport idle = NettyTransport.builder().threadNamePrefix("kt-idle").insecurePlaintext().build();
        idle.send("127.0.0.1:1", new MessageBatch("x:1", List.of(new TimeoutNow(0, 0, 0))));
        assertThat(idle.metrics().dropped(DropReason.CLOSED)).isEqualTo(1);
        idle.close();

        try (TestNode a = TestNode.start(1)) {
            NettyTransport clash = NettyTransport.builder().threadNamePrefix("kt-clash").insecurePlaintext().build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> clash.start(
                            new TransportBinding(TestNode.identity(9, a.endpoint), batch -> { }, refusal -> { })))
                    .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("cannot listen on");
            await().atMost(WAIT).until(() -> threadsNamed("kt-clash").isEmpty());
        }
    }

    static List<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith(prefix)).toList();
    }
}
