package io.kommander.internal.partition;

import io.kommander.wal.EntryKind;
import io.kommander.wal.HLCTimestampFixture;
import io.kommander.wal.LogEntry;

import java.util.List;
import java.util.stream.LongStream;

/** Log entries for the partition package's unit tests. */
final class TestEntries {

    private TestEntries() {
    }

    /** A one-byte DATA entry. */
    static LogEntry entry(long index, long term) {
        return entry(index, term, EntryKind.DATA);
    }

    /** A one-byte entry of {@code kind}. */
    static LogEntry entry(long index, long term, EntryKind kind) {
        return new LogEntry(index, term, kind, HLCTimestampFixture.at(index), "t", new byte[] {(byte) index});
    }

    /** DATA entries {@code from..to}, all of {@code term}. */
    static List<LogEntry> run(long from, long to, long term) {
        return LongStream.rangeClosed(from, to).mapToObj(i -> entry(i, term)).toList();
    }
}
