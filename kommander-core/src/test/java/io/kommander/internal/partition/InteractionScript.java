package io.kommander.internal.partition;

import java.util.ArrayList;
import java.util.List;

/**
 * An interaction script file: commands, each followed by {@code ----} and the output it must print, up to a blank
 * line; lines starting with {@code #} are comments. Parsing keeps comments and blank lines, so that
 * {@link #render} can write the file back with new outputs (the {@code interaction.rewrite} mode) and change
 * nothing else.
 */
final class InteractionScript {

    /** The separator between a command and its expected output. */
    static final String SEPARATOR = "----";

    /**
     * One command and what it must print.
     *
     * @param before   comment and blank lines before the command, kept as they are
     * @param command  the command line
     * @param line     the command's line number in the file, from 1
     * @param expected the expected output (lines joined by newlines); empty if the script gives none yet
     */
    record Case(List<String> before, String command, int line, String expected) {
    }

    private final List<Case> cases;
    private final List<String> trailer;

    private InteractionScript(List<Case> cases, List<String> trailer) {
        this.cases = cases;
        this.trailer = trailer;
    }

    /** Parses a script's text. */
    static InteractionScript parse(String text) {
        String[] lines = text.replace("\r\n", "\n").split("\n", -1);
        List<Case> cases = new ArrayList<>();
        List<String> before = new ArrayList<>();
        int i = 0;
        while (i < lines.length) {
            String line = lines[i++];
            if (line.isBlank() || line.startsWith("#")) {
                before.add(line);
                continue;
            }
            int commandLine = i;
            List<String> expected = new ArrayList<>();
            if (i < lines.length && lines[i].equals(SEPARATOR)) {
                i++;
                while (i < lines.length && !lines[i].isBlank()) {
                    expected.add(lines[i++]);
                }
            }
            if (i < lines.length && lines[i].isBlank()) {
                i++;
            }
            cases.add(new Case(before, line, commandLine, String.join("\n", expected)));
            before = new ArrayList<>();
        }
        return new InteractionScript(cases, before);
    }

    List<Case> cases() {
        return cases;
    }

    /** The script's text with {@code outputs} (one per case, in order) as the expected outputs. */
    String render(List<String> outputs) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            c.before().forEach(line -> text.append(line).append('\n'));
            text.append(c.command()).append('\n').append(SEPARATOR).append('\n').append(outputs.get(i))
                    .append("\n\n");
        }
        trailer.forEach(line -> text.append(line).append('\n'));
        return text.toString().stripTrailing() + "\n";
    }
}
