package io.kommander;

import io.kommander.testing.BuiltModule;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The jar's module: its name, and exactly the API and SPI packages exported; nothing under internal. */
class ModuleDescriptorTest {

    @Test
    void exportsTheApiAndSpiPackagesOnly() {
        BuiltModule module = BuiltModule.of(RaftManager.class);

        assertThat(module.name()).isEqualTo("io.kommander");
        assertThat(module.exports()).containsExactlyInAnyOrderElementsOf(ArchitectureTest.PUBLIC_PACKAGES);
        assertThat(module.requires()).contains("org.slf4j");
    }
}
