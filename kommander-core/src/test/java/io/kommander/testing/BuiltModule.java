package io.kommander.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The module a library declares, read from what the build produced (the classes folder while testing, or the
 * jar): its {@code module-info.class}, or, for a library without one, the {@code Automatic-Module-Name} of the
 * manifest it is packaged with. Lets each library hold its module name and exported packages in a test, so that
 * exporting an internal package fails the build.
 *
 * @param name     the module name
 * @param exports  the packages exported to everyone (every package, for an automatic module)
 * @param requires the names of the modules it requires (none listed for an automatic module)
 */
public record BuiltModule(String name, Set<String> exports, Set<String> requires) {

    /** The module that holds {@code member}'s class file. */
    public static BuiltModule of(Class<?> member) {
        Path location = location(member);
        ModuleDescriptor descriptor = Files.isDirectory(location)
                && !Files.exists(location.resolve("module-info.class"))
                ? automaticInFolder(location)
                : ModuleFinder.of(location).findAll().stream().findFirst().map(ModuleReference::descriptor)
                .orElseThrow(() -> new IllegalStateException("no module at " + location));
        Set<String> exports = descriptor.isAutomatic() ? descriptor.packages() : descriptor.exports().stream()
                .filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        Set<String> requires = descriptor.requires().stream().map(ModuleDescriptor.Requires::name)
                .collect(Collectors.toSet());
        return new BuiltModule(descriptor.name(), exports, requires);
    }

    private static Path location(Class<?> member) {
        try {
            return Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A classes folder with no descriptor: the module the jar will be, named by the manifest the jar is built from
     * ({@code META-INF/MANIFEST.MF} among the resources), and holding every package with a class.
     */
    private static ModuleDescriptor automaticInFolder(Path folder) {
        Path manifestFile = folder.resolve("META-INF/MANIFEST.MF");
        try (InputStream in = Files.newInputStream(manifestFile); Stream<Path> files = Files.walk(folder)) {
            String name = new Manifest(in).getMainAttributes().getValue("Automatic-Module-Name");
            if (name == null) {
                throw new IllegalStateException(manifestFile + " has no Automatic-Module-Name");
            }
            Set<String> packages = files.filter(f -> f.toString().endsWith(".class"))
                    .map(f -> folder.relativize(f.getParent()).toString().replace(f.getFileSystem().getSeparator(), "."))
                    .collect(Collectors.toSet());
            return ModuleDescriptor.newAutomaticModule(name).packages(packages).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
