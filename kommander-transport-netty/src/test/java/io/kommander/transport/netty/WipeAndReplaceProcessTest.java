package io.kommander.transport.netty;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

import static io.kommander.transport.netty.NodeProcess.assertSameHistoryWithEveryAcknowledgedWrite;
import static io.kommander.transport.netty.NodeProcess.awaitLeader;
import static io.kommander.transport.netty.NodeProcess.dataIds;
import static io.kommander.transport.netty.NodeProcess.writeUntilAcknowledged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three JVMs on loopback (NettyTransport, RocksDbWAL) under continuous writes. The leader's JVM is killed with
 * SIGKILL and its data folder deleted; while the other two go on, a fresh node starts in its place with the same
 * configuration and an empty folder. It must not vote before it holds what it had acknowledged, it catches up, and
 * in the end all three hold every acknowledged write, in the same order, none twice.
 */
class WipeAndReplaceProcessTest {

    @Test
    void aLeaderWhoseDataIsDeletedComesBackFreshAndEndsWithEveryAcknowledgedWrite(@TempDir Path dir) {
        int[] ports = FreePorts.loopbackPorts(3);
        Set<String> acknowledged = NodeProcess.newAckSet();
        NodeProcess[] nodes = new NodeProcess[3];
        try {
            NodeProcess.startAll(nodes, dir, ports, acknowledged);
            int sent = writeUntilAcknowledged(nodes, acknowledged, 0, 100);
            NodeProcess leader = awaitLeader(nodes);
            leader.kill();
            deleteFolder(dir.resolve("node-" + leader.index));
            sent = writeUntilAcknowledged(nodes, acknowledged, sent, 200);

            NodeProcess fresh = NodeProcess.start(leader.index, dir.resolve("node-" + leader.index), ports,
                    acknowledged);
            nodes[leader.index] = fresh;
            await().atMost(NodeProcess.WAIT).until(() -> fresh.ready);
            sent = writeUntilAcknowledged(nodes, acknowledged, sent, 50);

            assertSameHistoryWithEveryAcknowledgedWrite(nodes, acknowledged);
            assertThat(dataIds(fresh)).as("the fresh node received every write again, the 300 before it came back too")
                    .hasSizeGreaterThanOrEqualTo(350).doesNotHaveDuplicates();
            assertThat(acknowledged.size()).isLessThanOrEqualTo(sent);
        } finally {
            NodeProcess.killAll(nodes);
        }
    }

    private static void deleteFolder(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(folder).doesNotExist();
    }
}
