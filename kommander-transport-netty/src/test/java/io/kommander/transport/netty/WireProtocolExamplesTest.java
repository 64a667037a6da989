package io.kommander.transport.netty;

import io.kommander.transport.MessageBatch;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The byte examples of docs/wire-protocol.md are what the code produces. */
class WireProtocolExamplesTest {

    @Test
    void helloExample() {
        byte[] hello = RawPeer.frame(new Handshake(Handshake.CURRENT_VERSION, "orders", 1, "10.0.0.1:7001"), FrameType.HELLO);
        assertThat(ByteBufUtil.hexDump(hello)).isEqualTo(
                "0000001c01" + "4b4d4452" + "02" + "066f7264657273" + "02" + "0d31302e302e302e313a37303031");
    }

    @Test
    void heartbeatExample() {
        AppendLogs heartbeat = new AppendLogs(12, 5, 1000, 5, List.of(), 990, 77, 900);
        ByteBuf body = Unpooled.buffer();
        MessageCodec.encode(new MessageBatch("10.0.0.1:7001", List.of(heartbeat)), body);
        assertThat(ByteBufUtil.hexDump(body)).isEqualTo("01" + "03" + "0c" + "05" + "e807" + "05" + "de07" + "4d"
                + "8407" + "00");
    }
}
