package io.kommander;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the status table of docs/getting-started.md true: one row per {@link RaftOperationStatus}, saying whether
 * the write may still commit exactly as {@link RaftOperationStatus#writeOutcome()} does.
 */
class StatusTableTest {

    private static final Path GUIDE = Path.of("..", "docs", "getting-started.md");

    @Test
    void everyStatusHasARowWithItsWriteOutcome() throws IOException {
        List<String> lines = Files.readAllLines(GUIDE);
        for (RaftOperationStatus status : RaftOperationStatus.values()) {
            List<String> rows = lines.stream().filter(l -> l.startsWith("| `" + status.name() + "` |")).toList();
            assertThat(rows).as("rows for %s in %s", status, GUIDE).hasSize(1);
            String[] cells = rows.get(0).split("\\|");
            assertThat(cells).as("cells of the %s row", status).hasSize(5);
            assertThat(cells[3]).as("whether a write answered %s may still commit", status)
                    .contains("(`" + status.writeOutcome().name() + "`)");
        }
    }
}
