package io.kommander.internal.partition;

import io.kommander.RaftLog;
import io.kommander.RaftLogType;
import io.kommander.time.HLCTimestamp;
import io.kommander.transport.RaftMessage;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.transport.RaftMessage.AppendLogsResponse;
import io.kommander.transport.RaftMessage.RequestVote;
import io.kommander.transport.RaftMessage.TimeoutNow;
import io.kommander.transport.RaftMessage.VoteResponse;
import io.kommander.wal.EntryKind;
import io.kommander.wal.HardState;
import io.kommander.wal.LogEntry;
import io.kommander.wal.PartitionWrite;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * The text form of messages, entries and writes in interaction scripts: what {@code deliver} and {@code persist}
 * print is what {@code send} parses, so a reader sees one notation.
 *
 * <pre>
 * RequestVote term=2 last=3/1 [pre] [transfer]
 * VoteResponse term=2 granted|rejected [pre]
 * AppendLogs term=2 prev=1/1 commit=1 [entries=[2/2 "x", 3/2 barrier]] [round=1] [safe=1]
 * AppendLogsResponse term=2 accepted|rejected match=3 [round=1]
 * TimeoutNow term=2 last=3
 * </pre>
 *
 * An entry is {@code index/term} then {@code "payload"} (data), {@code barrier}, or another kind's name and payload.
 */
final class ScriptNotation {

    private ScriptNotation() {
    }

    // ------------------------------------------------------------------ printing

    static String message(RaftMessage message) {
        if (message instanceof RequestVote v) {
            return "RequestVote term=" + v.term() + " last=" + v.lastLogIndex() + "/" + v.lastLogTerm()
                    + (v.preVote() ? " pre" : "") + (v.transfer() ? " transfer" : "");
        }
        if (message instanceof VoteResponse v) {
            return "VoteResponse term=" + v.term() + (v.granted() ? " granted" : " rejected")
                    + (v.preVote() ? " pre" : "");
        }
        if (message instanceof AppendLogs a) {
            return "AppendLogs term=" + a.term() + " prev=" + a.prevLogIndex() + "/" + a.prevLogTerm()
                    + " commit=" + a.leaderCommit() + (a.entries().isEmpty() ? "" : " entries=" + entries(a.entries()))
                    + nonZero("round", a.round()) + nonZero("safe", a.safeCompactIndex());
        }
        if (message instanceof AppendLogsResponse r) {
            return "AppendLogsResponse term=" + r.term() + (r.success() ? " accepted" : " rejected")
                    + " match=" + r.matchIndex() + nonZero("round", r.round());
        }
        if (message instanceof TimeoutNow t) {
            return "TimeoutNow term=" + t.term() + " last=" + t.lastLogIndex();
        }
        throw new IllegalArgumentException("no notation for " + message);
    }

    private static String nonZero(String key, long value) {
        return value == 0 ? "" : " " + key + "=" + value;
    }

    static String entries(List<LogEntry> entries) {
        StringJoiner joiner = new StringJoiner(", ", "[", "]");
        entries.forEach(e -> joiner.add(entry(e)));
        return joiner.toString();
    }

    static String entry(LogEntry e) {
        String position = e.index() + "/" + e.term();
        return switch (e.kind()) {
            case DATA -> position + " " + quote(e.data());
            case BARRIER -> position + " barrier";
            default -> position + " " + e.kind().name().toLowerCase(Locale.ROOT) + " " + quote(e.data());
        };
    }

    /** An entry as the application received it; the type is named unless it is plainly committed. */
    static String delivery(RaftLog log) {
        String type = log.kind() == RaftLogType.Committed ? "" : log.kind() + " ";
        return log.index() + "/" + log.term() + " " + type + quote(log.data());
    }

    static String hardState(HardState hs) {
        return "term=" + hs.term() + " vote=" + (hs.votedFor().isEmpty() ? "none" : hs.votedFor())
                + " commit=" + hs.commitIndex();
    }

    static String write(PartitionWrite write) {
        if (write.isEmpty()) {
            return "nothing";
        }
        StringJoiner parts = new StringJoiner(", ");
        if (write.truncateAfter() != PartitionWrite.NO_TRUNCATE) {
            parts.add("truncate after " + write.truncateAfter());
        }
        if (!write.entries().isEmpty()) {
            parts.add("entries " + entries(write.entries()));
        }
        if (write.hardState() != null) {
            parts.add(hardState(write.hardState()));
        }
        if (write.lastCheckpoint() != PartitionWrite.NO_CHECKPOINT) {
            parts.add("checkpoint " + write.lastCheckpoint());
        }
        return parts.toString();
    }

    private static String quote(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    // ------------------------------------------------------------------ parsing

    /** Parses the message whose type is the command's positional word {@code first}, from there on. */
    static RaftMessage parseMessage(ScriptCommand words, int first) {
        String type = words.arg(first);
        long term = words.longOption("term");
        if (type.equals("RequestVote")) {
            long[] last = position(words.option("last"));
            return new RequestVote(MachineNet.PARTITION, term, last[0], last[1], words.flag("pre"),
                    words.flag("transfer"));
        }
        if (type.equals("VoteResponse")) {
            return new VoteResponse(MachineNet.PARTITION, term, words.choice("granted", "rejected"), words.flag("pre"));
        }
        if (type.equals("AppendLogs")) {
            long[] prev = position(words.option("prev"));
            return new AppendLogs(MachineNet.PARTITION, term, prev[0], prev[1],
                    words.hasOption("entries") ? parseEntries(words.option("entries")) : List.of(),
                    words.longOption("commit"), words.longOption("round", 0), words.longOption("safe", 0));
        }
        if (type.equals("AppendLogsResponse")) {
            return new AppendLogsResponse(MachineNet.PARTITION, term, words.choice("accepted", "rejected"),
                    words.longOption("match"), words.longOption("round", 0));
        }
        if (type.equals("TimeoutNow")) {
            return new TimeoutNow(MachineNet.PARTITION, term, words.longOption("last"));
        }
        throw words.error("unknown message type " + type);
    }

    private static long[] position(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("expected index/term, got " + text);
        }
        return new long[] {Long.parseLong(text.substring(0, slash)), Long.parseLong(text.substring(slash + 1))};
    }

    /** Parses {@code [1/1 barrier, 2/1 "x", 3/1 commit ""]}. */
    static List<LogEntry> parseEntries(String text) {
        if (!text.startsWith("[") || !text.endsWith("]")) {
            throw new IllegalArgumentException("expected [entries], got " + text);
        }
        List<LogEntry> entries = new ArrayList<>();
        for (String item : ScriptCommand.split(text.substring(1, text.length() - 1), ',')) {
            List<String> words = ScriptCommand.split(item, ' ');
            long[] at = position(words.get(0));
            EntryKind kind = words.size() > 1 && !words.get(1).startsWith("\"")
                    ? EntryKind.valueOf(words.get(1).toUpperCase(Locale.ROOT)) : EntryKind.DATA;
            String last = words.get(words.size() - 1);
            byte[] data = words.size() > 1 && last.startsWith("\"") ? unquote(last).getBytes(StandardCharsets.UTF_8)
                    : null;
            entries.add(new LogEntry(at[0], at[1], kind, HLCTimestamp.ZERO, kind == EntryKind.BARRIER ? "" : "t",
                    data));
        }
        return entries;
    }

    static String unquote(String quoted) {
        if (!quoted.startsWith("\"")) {
            return quoted;
        }
        String body = quoted.substring(1, quoted.length() - 1);
        StringBuilder out = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            out.append(c == '\\' && i + 1 < body.length() ? body.charAt(++i) : c);
        }
        return out.toString();
    }
}
