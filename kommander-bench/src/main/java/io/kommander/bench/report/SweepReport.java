package io.kommander.bench.report;

import io.kommander.bench.load.RunResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The sweep's section of {@code docs/benchmark-results.md}: machine, disk, command, targets, results, charts and every
 * system's configuration. It replaces the text between {@link #BEGIN} and {@link #END} and keeps the rest of the
 * file (the hand-written parts).
 *
 * @param machine        where it ran
 * @param loadAverage    the machine's load average when the sweep began (others' work shows here)
 * @param diskSmall      synced-write bandwidth with 16 KiB writes, bytes/s
 * @param diskLarge      synced-write bandwidth with 1 MiB writes, bytes/s
 * @param command        the exact command
 * @param note           the operator's note (shared machine, ...), or empty
 * @param targets        one line per target, met or missed
 * @param results        every run
 * @param charts         chart files, relative to the report
 */
public record SweepReport(MachineInfo machine, double loadAverage, double diskSmall, double diskLarge, String command,
                          String note, List<String> targets, List<RunResult> results, List<String> charts) {

    /** Marks the start of the generated section. */
    public static final String BEGIN = "<!-- sweep:begin -->";
    /** Marks the end of the generated section. */
    public static final String END = "<!-- sweep:end -->";

    /** The generated section, markers included. */
    public String render() {
        StringBuilder out = new StringBuilder(BEGIN).append("\n\n## Latest sweep\n\n");
        out.append(String.format(Locale.ROOT, "- machine: %d cores, %d MiB max heap, %s, %s%n", machine.cores(),
                machine.maxHeap(), machine.jdk(), machine.os()));
        out.append("- commit: ").append(machine.commit()).append('\n');
        out.append(String.format(Locale.ROOT, "- load average when the sweep began: %.2f%n", loadAverage));
        out.append(String.format(Locale.ROOT, "- disk, synced-write bandwidth measured in this run: %.1f MB/s with "
                + "16 KiB writes, %.1f MB/s with 1 MiB writes (each write followed by fdatasync)%n", diskSmall / 1e6,
                diskLarge / 1e6));
        out.append("- command: `").append(command).append("`\n");
        if (!note.isBlank()) {
            out.append("- note: ").append(note).append('\n');
        }
        out.append("\n### Targets\n\n```\n");
        targets.forEach(t -> out.append(t).append('\n'));
        out.append("```\n\n### Results\n\n").append(ResultTable.markdown(results)).append('\n');
        charts.forEach(c -> out.append("![").append(c).append("](").append(c).append(")\n\n"));
        out.append("### Configurations\n\n```\n");
        results.stream().map(RunResult::configuration).distinct().forEach(c -> out.append(c).append('\n'));
        out.append("```\n\n").append(END).append('\n');
        return out.toString();
    }

    /** Writes the section into {@code file}, replacing an earlier one, or appending if there is none. */
    public void writeInto(Path file) throws IOException {
        String existing = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        int begin = existing.indexOf(BEGIN);
        int end = existing.indexOf(END);
        String updated = begin >= 0 && end > begin
                ? existing.substring(0, begin) + render() + existing.substring(end + END.length() + 1)
                : existing + (existing.isEmpty() || existing.endsWith("\n") ? "" : "\n") + "\n" + render();
        Files.writeString(file, updated, StandardCharsets.UTF_8);
    }
}
