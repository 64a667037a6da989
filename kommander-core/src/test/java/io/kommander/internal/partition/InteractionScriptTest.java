package io.kommander.internal.partition;

import io.kommander.transport.RaftMessage;
import io.kommander.transport.RaftMessage.AppendLogs;
import io.kommander.transport.RaftMessage.AppendLogsResponse;
import io.kommander.transport.RaftMessage.RequestVote;
import io.kommander.transport.RaftMessage.TimeoutNow;
import io.kommander.transport.RaftMessage.VoteResponse;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The interaction scripts' own machinery: file format, notation, argument checks, diff. */
class InteractionScriptTest {

    @Test
    void renderKeepsCommentsAndReplacesOutputs() {
        String text = """
                # a comment
                nodes 3
                ----
                ok

                # another
                status 1
                ----
                stale
                """;
        InteractionScript script = InteractionScript.parse(text);
        assertThat(script.cases()).extracting(InteractionScript.Case::command, InteractionScript.Case::line)
                .containsExactly(tuple("nodes 3", 2),
                        tuple("status 1", 7));
        assertThat(script.render(List.of("ok", "fresh"))).isEqualTo(text.replace("stale", "fresh"));
    }

    @Test
    void commandWithoutExpectationGetsOneOnRender() {
        InteractionScript script = InteractionScript.parse("nodes 1\n\ncampaign 1\n");
        assertThat(script.cases()).extracting(InteractionScript.Case::expected).containsExactly("", "");
        assertThat(script.render(List.of("ok", "ok"))).isEqualTo("nodes 1\n----\nok\n\ncampaign 1\n----\nok\n");
    }

    @Test
    void everyMessagePrintsAsTextThatParsesBackToIt() {
        List<LogEntry> entries = List.of(
                new LogEntry(1, 1, EntryKind.BARRIER, null, "", null),
                new LogEntry(2, 1, EntryKind.DATA, null, "t", "a, \"b\" [c]".getBytes(StandardCharsets.UTF_8)),
                new LogEntry(3, 2, EntryKind.COMMIT, null, "t", new byte[0]));
        List<RaftMessage> messages = List.of(
                new RequestVote(1, 2, 3, 1, true, false),
                new RequestVote(1, 2, 3, 1, false, true),
                new VoteResponse(1, 2, false, true),
                new AppendLogs(1, 2, 0, 0, entries, 1, 4, 1),
                new AppendLogs(1, 2, 3, 2, List.of(), 3, 0, 0),
                new AppendLogsResponse(1, 2, true, 3, 4),
                new TimeoutNow(1, 2, 3));
        for (RaftMessage message : messages) {
            String text = ScriptNotation.message(message);
            RaftMessage parsed = ScriptNotation.parseMessage(ScriptCommand.parse("send 1->2 " + text, 1), 1);
            assertThat(ScriptNotation.message(parsed)).as(text).isEqualTo(text);
        }
    }

    @Test
    void aMisspeltOptionFailsTheScript() {
        Interaction interaction = new Interaction();
        interaction.run("nodes 3", 1);
        assertThatThrownBy(() -> interaction.run("deliver form=1", 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option form=");
        assertThatThrownBy(() -> interaction.run("campaign 4", 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no node 4");
    }

    @Test
    void diffMarksRemovedAndAddedLines() {
        assertThat(LineDiff.of("a\nb\nc", "a\nx\nc")).isEqualTo("  a\n- b\n+ x\n  c");
    }
}
