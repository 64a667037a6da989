package io.kommander.bench.node.process;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeProcessLauncherOptionsTest {

    @Test
    void childJvmOptionsAreSplitOnSpacesAndBlankMeansNone() {
        assertThat(NodeProcessLauncher.jvmOptions(" -XX:ActiveProcessorCount=1   -Xmx512m ")).containsExactly(
                "-XX:ActiveProcessorCount=1", "-Xmx512m");
        assertThat(NodeProcessLauncher.jvmOptions("  ")).isEmpty();
        assertThat(NodeProcessLauncher.jvmOptions("")).isEmpty();
    }
}
