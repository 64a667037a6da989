package io.kommander.transport.netty;

import io.kommander.transport.MessageBatch;
import io.kommander.transport.NodeIdentity;
import io.kommander.time.HLCTimestamp;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The byte examples of docs/wire-protocol.md are what the code produces. */
class WireProtocolExamplesTest {

    @Test
    void helloExample() {
        NodeIdentity node1 = NodeIdentity.of("orders", 1, "10.0.0.1:7001",
                List.of("10.0.0.1:7001", "10.0.0.2:7001", "10.0.0.3:7001"), 8);
        byte[] nonce = new byte[Handshake.NONCE_BYTES];
        for (int i = 0; i < nonce.length; i++) {
            nonce[i] = (byte) i;
        }
        byte[] hello = RawPeer.hello(new Handshake(Handshake.CURRENT_VERSION, PeerAuthMode.SHARED_SECRET, node1, nonce));
        assertThat(ByteBufUtil.hexDump(hello)).isEqualTo(
                "0000005101" + "4b4d4452" + "04" + "01" + "066f7264657273" + "02" + "0d31302e302e302e313a37303031"
                        + "03" + "10" + "36343565636234373331303665323235" + "08"
                        + "20" + "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    }

    @Test
    void heartbeatExample() {
        AppendLogs heartbeat = new AppendLogs(12, 5, 1000, 5, List.of(), 990, 77, 900);
        ByteBuf body = Unpooled.buffer();
        MessageCodec.encode(new MessageBatch("10.0.0.1:7001", List.of(heartbeat)), body);
        assertThat(ByteBufUtil.hexDump(body)).isEqualTo("01" + "03" + "0c" + "05" + "e807" + "05" + "de07" + "4d"
                + "8407" + "00");
    }

    @Test
    void entryExample() {
        LogEntry entry = new LogEntry(11, 3, EntryKind.PROPOSED, new HLCTimestamp(1_700_000_000_000L, 2, 2), "order",
                "hi".getBytes(StandardCharsets.UTF_8));
        AppendLogs append = new AppendLogs(1, 3, 10, 3, List.of(entry), 10, 0, 9);
        ByteBuf body = Unpooled.buffer();
        MessageCodec.encode(new MessageBatch("10.0.0.1:7001", List.of(append)), body);
        assertThat(ByteBufUtil.hexDump(body)).isEqualTo("01" + "03" + "01" + "03" + "0a" + "03" + "0a" + "00" + "09"
                + "01" + "00" + "00" + "02" + "00" + "80a0abfef962" + "02" + "04" + "056f72646572" + "026869");
        assertThat(MessageCodec.decode(body, "10.0.0.1:7001").messages()).containsExactly(append);
    }
}
