package io.kommander.wal.rocksdb;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps docs/writing-an-iwal.md true for an IWAL author: its Maven snippet is what this module's pom uses to run
 * the kit and the simulator over {@link RocksDbWAL}, and its two example test classes compile against only the
 * snippet's dependencies (with a {@code MyWal} that opens a RocksDbWAL). What the examples do at run time, this
 * module's {@code RocksDbWALConformanceTest} and {@code RocksDbSimulationTest} do.
 */
class IwalGuideTest {

    private static final Path GUIDE = Path.of("..", "docs", "writing-an-iwal.md");
    /** Test dependencies of this module that the guide's snippet does not ask for. */
    private static final List<String> NOT_IN_SNIPPET = List.of("awaitility", "slf4j-simple");

    @Test
    void mavenSnippetIsWhatThisModuleUses() throws Exception {
        Element snippet = xml("<dependencies>" + block("iwal-maven", "xml") + "</dependencies>");
        Element pom = xml(Files.readString(Path.of("pom.xml")));
        Element parent = xml(Files.readString(Path.of("..", "pom.xml")));
        List<Element> used = children(child(pom, "dependencies"), "dependency");

        List<Element> wanted = children(snippet, "dependency");
        assertThat(wanted).hasSize(4);
        for (Element dependency : wanted) {
            String coordinates = text(dependency, "groupId") + ":" + text(dependency, "artifactId") + ":"
                    + type(dependency);
            assertThat(used).as("this module's dependency %s", coordinates)
                    .anySatisfy(d -> assertThat(text(d, "groupId") + ":" + text(d, "artifactId") + ":" + type(d)
                            + " " + scope(d)).isEqualTo(coordinates + " " + scope(dependency)));
            assertThat(text(dependency, "version")).as("version of %s", coordinates)
                    .isEqualTo(managedVersion(parent, dependency));
        }
    }

    @Test
    void exampleTestClassesCompileAgainstTheSnippetsDependencies(@TempDir Path dir) throws Exception {
        Path sources = Files.createDirectories(dir.resolve("com/example/wal"));
        Files.writeString(sources.resolve("MyWal.java"), """
                package com.example.wal;

                import io.kommander.wal.IWAL;
                import io.kommander.wal.rocksdb.RocksDbWAL;
                import java.nio.file.Path;

                final class MyWal {
                    static IWAL open(Path folder) {
                        return RocksDbWAL.open(folder);
                    }
                }
                """);
        Files.writeString(sources.resolve("MyWalConformanceTest.java"), block("iwal-kit", "java"));
        Files.writeString(sources.resolve("MyWalSimulationTest.java"), block("iwal-sim", "java"));
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> NOT_IN_SNIPPET.stream().noneMatch(entry::contains))
                .collect(Collectors.joining(File.pathSeparator));

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        List<String> arguments = new ArrayList<>(List.of("-d", dir.resolve("classes").toString(), "-cp", classPath));
        try (var files = Files.list(sources)) {
            files.map(Path::toString).forEach(arguments::add);
        }
        int status = compiler.run(null, null, errors, arguments.toArray(String[]::new));

        assertThat(status).as("javac: %s", errors.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(dir.resolve("classes/com/example/wal/MyWalSimulationTest.class")).exists();
    }

    /** The fenced code block between the guide's {@code <!-- name:begin -->} and {@code <!-- name:end -->}. */
    private static String block(String name, String language) throws Exception {
        String guide = Files.readString(GUIDE);
        String marked = guide.substring(guide.indexOf("<!-- " + name + ":begin -->"),
                guide.indexOf("<!-- " + name + ":end -->"));
        String fence = "```" + language;
        return marked.substring(marked.indexOf(fence) + fence.length(), marked.lastIndexOf("```"));
    }

    /** The version the build resolves for a dependency: the parent's managed version, or the BOM's. */
    private static String managedVersion(Element parent, Element dependency) {
        String groupId = text(dependency, "groupId");
        String artifactId = text(dependency, "artifactId");
        String version = children(child(child(parent, "dependencyManagement"), "dependencies"), "dependency")
                .stream()
                .filter(d -> text(d, "groupId").equals(groupId) && text(d, "artifactId").equals(artifactId))
                .map(d -> text(d, "version"))
                .findFirst()
                // junit-jupiter comes from the imported junit-bom, whose version is the junit.version property.
                .orElse(groupId.equals("org.junit.jupiter") ? "${junit.version}" : "(not managed)");
        if (version.equals("${project.version}")) {
            return text(parent, "version");
        }
        if (version.startsWith("${")) {
            return text(child(parent, "properties"), version.substring(2, version.length() - 1));
        }
        return version;
    }

    private static Element xml(String text) throws Exception {
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader(text)));
        return document.getDocumentElement();
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE && nodes.item(i).getNodeName().equals(name)) {
                found.add((Element) nodes.item(i));
            }
        }
        return found;
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static String text(Element parent, String name) {
        Element element = parent == null ? null : child(parent, name);
        return element == null ? "" : element.getTextContent().trim();
    }

    private static String type(Element dependency) {
        String type = text(dependency, "type");
        return type.isEmpty() ? "jar" : type;
    }

    private static String scope(Element dependency) {
        String scope = text(dependency, "scope");
        return scope.isEmpty() ? "compile" : scope;
    }
}
