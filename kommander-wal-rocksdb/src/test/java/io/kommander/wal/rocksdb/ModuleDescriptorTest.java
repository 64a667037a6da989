package io.kommander.wal.rocksdb;

import io.kommander.testing.BuiltModule;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar's module. rocksdbjni has no stable module name (neither a descriptor nor an Automatic-Module-Name), so
 * this library cannot require it in a module-info; its manifest names the automatic module instead, which exports
 * every package it holds: one.
 */
class ModuleDescriptorTest {

    @Test
    void isTheAutomaticModuleOfItsOnePackage() {
        BuiltModule module = BuiltModule.of(RocksDbWAL.class);

        assertThat(module.name()).isEqualTo("io.kommander.wal.rocksdb");
        assertThat(module.exports()).containsExactly("io.kommander.wal.rocksdb");
    }
}
