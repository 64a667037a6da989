package io.kommander.bench.transport;

import io.kommander.time.HLCTimestamp;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.RaftMessage;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The batches the transport benchmarks send: AppendLogs of many partitions, one entry each, random payloads. */
final class BenchBatches {

    private BenchBatches() {
    }

    /** {@code messages} AppendLogs (partitions 0..messages-1), each with one DATA entry of {@code entrySize} bytes. */
    static MessageBatch appendBatch(String from, int messages, int entrySize) {
        Random random = new Random(42);
        List<RaftMessage> list = new ArrayList<>(messages);
        for (int p = 0; p < messages; p++) {
            byte[] data = new byte[entrySize];
            random.nextBytes(data);
            long index = 1000 + p;
            LogEntry entry = new LogEntry(index, 7, EntryKind.DATA, new HLCTimestamp(1_700_000_000_000L + p, 0, 1),
                    "put", data);
            list.add(new AppendLogs(p, 7, index - 1, 7, List.of(entry), index - 1, p, 0));
        }
        return new MessageBatch(from, list);
    }

    /** The payload bytes (entry data) a batch carries. */
    static long payloadBytes(MessageBatch batch) {
        long bytes = 0;
        for (RaftMessage message : batch.messages()) {
            if (message instanceof AppendLogs append) {
                for (LogEntry entry : append.entries()) {
                    bytes += entry.data().length;
                }
            }
        }
        return bytes;
    }
}
