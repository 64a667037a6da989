package io.kommander.transport.netty;

import io.kommander.testing.BuiltModule;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The jar's module: its name, and its one exported package. */
class ModuleDescriptorTest {

    @Test
    void exportsTheTransportPackageOnly() {
        BuiltModule module = BuiltModule.of(NettyTransport.class);

        assertThat(module.name()).isEqualTo("io.kommander.transport.netty");
        assertThat(module.exports()).containsExactly("io.kommander.transport.netty");
        assertThat(module.requires()).contains("io.kommander", "io.netty.handler", "io.netty.transport");
    }
}
