package io.kommander;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import io.kommander.internal.metrics.MicrometerMetrics;
import io.kommander.internal.node.RaftNode;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.partition.RaftPartitionStateMachine;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package structure, held by tests rather than review: the API and SPI packages hold what users call or
 * implement, the machinery lives under {@code io.kommander.internal}, and nothing depends in a cycle.
 */
class ArchitectureTest {

    /** The packages an application may use: exported by the module descriptor. */
    static final Set<String> PUBLIC_PACKAGES = Set.of("io.kommander", "io.kommander.time", "io.kommander.wal",
            "io.kommander.transport", "io.kommander.discovery", "io.kommander.runtime");

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.kommander");

    @Test
    void coreImportsNoNettyOrRocksDb() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.netty..", "org.rocksdb..")
                .check(CORE);
    }

    /**
     * The state machine's parts, which must be as deterministic as the machine itself (nested classes too); the
     * client sessions (package {@code internal.session}) are too.
     */
    private static final String STATE_MACHINE_PARTS = "io\\.kommander\\.internal\\.partition\\.(Leadership"
            + "|ReplicaLog|LeaderReplicator|PartitionLog|TermRuns|Applier|DurableBound|LeadershipTransfer|Quorum"
            + "|VoteTally|MessageRefusals|FollowerProgress|Inflights|ProposalTracker|CommitWaiters|ReadIndexTracker|PendingWrites"
            + "|Ready|DeliveredSoFar)(\\$.*)?";

    @Test
    void stateMachineHasNoClockThreadOrRandomOfItsOwn() {
        noClasses().that().belongToAnyOf(RaftPartitionStateMachine.class).or().haveNameMatching(STATE_MACHINE_PARTS)
                .or().resideInAPackage("io.kommander.internal.session")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().dependOnClassesThat().belongToAnyOf(Thread.class, java.util.Random.class,
                        java.util.concurrent.ThreadLocalRandom.class, java.time.Instant.class,
                        java.time.Clock.class, java.util.concurrent.Executor.class,
                        java.util.concurrent.CompletableFuture.class)
                .check(CORE);
    }

    /**
     * Micrometer is optional: only the binding (loaded when a registry is given) and the builder method that takes
     * the registry name its types, so a node without a registry never loads it (NoMicrometerTest runs one).
     */
    @Test
    void onlyTheBindingAndTheBuilderNameMicrometer() {
        noClasses().that().doNotBelongToAnyOf(MicrometerMetrics.class, RaftManager.Builder.class)
                .should().dependOnClassesThat().resideInAnyPackage("io.micrometer..")
                .check(CORE);
    }

    /** Timers read the runtime's monotonic clock and tickets its wall clock: only the runtime reads the system's. */
    @Test
    void onlyTheDefaultRuntimeReadsTheSystemClocks() {
        noClasses().that().doNotBelongToAnyOf(io.kommander.internal.runtime.DefaultRaftRuntime.class)
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .check(CORE);
    }

    @Test
    void partitionMachineryDoesNotReachIntoTheInMemoryImplementations() {
        noClasses().that().resideInAPackage("io.kommander.internal.partition")
                .should().dependOnClassesThat().belongToAnyOf(io.kommander.wal.InMemoryWAL.class,
                        io.kommander.transport.InMemoryTransport.class)
                .check(CORE);
    }

    @Test
    void everyPackageIsEitherPublicOrInternal() {
        for (JavaClass type : CORE) {
            String pkg = type.getPackageName();
            assertThat(PUBLIC_PACKAGES.contains(pkg) || pkg.startsWith("io.kommander.internal."))
                    .as("%s is in %s, which is neither an API/SPI package nor internal", type.getName(), pkg)
                    .isTrue();
        }
    }

    @Test
    void spiPackagesDoNotDependOnTheApiOrTheMachinery() {
        noClasses().that().resideInAnyPackage("io.kommander.time", "io.kommander.wal", "io.kommander.transport",
                        "io.kommander.discovery", "io.kommander.runtime")
                .should().dependOnClassesThat().resideInAnyPackage("io.kommander", "io.kommander.internal..")
                .check(CORE);
    }

    /**
     * The API reaches the machinery at exactly one point: {@code RaftManager} builds and delegates to
     * {@link RaftNode} (the composition root, as MicroRaft's builder does). That edge is the only one allowed
     * from a public package into {@code internal}, so the cycle check below ignores it and nothing else.
     */
    @Test
    void publicPackagesReachTheMachineryOnlyThroughRaftManager() {
        noClasses().that().resideInAnyPackage(PUBLIC_PACKAGES.toArray(String[]::new))
                .and().doNotBelongToAnyOf(RaftManager.class, RaftManager.Builder.class)
                .should().dependOnClassesThat().resideInAPackage("io.kommander.internal..")
                .check(CORE);
        noClasses().that().belongToAnyOf(RaftManager.class, RaftManager.Builder.class)
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("io.kommander.internal..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.equivalentTo(RaftNode.class))))
                .check(CORE);
    }

    /** Every package is its own slice, the root included, so a cycle between any two packages fails. */
    @Test
    void packagesAreFreeOfCycles() {
        SliceAssignment byPackage = new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                return javaClass.getPackageName().startsWith("io.kommander")
                        ? SliceIdentifier.of(javaClass.getPackageName()) : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "packages of io.kommander";
            }
        };
        slices().assignedFrom(byPackage)
                .should().beFreeOfCycles()
                .ignoreDependency(JavaClass.Predicates.belongToAnyOf(RaftManager.class),
                        JavaClass.Predicates.equivalentTo(RaftNode.class))
                .check(CORE);
    }

    @Test
    void noInternalTypeLeaksIntoAPublicSignature() {
        List<String> leaks = new ArrayList<>();
        for (JavaClass type : CORE) {
            if (!PUBLIC_PACKAGES.contains(type.getPackageName()) || !type.getModifiers().contains(JavaModifier.PUBLIC)) {
                continue;
            }
            type.getMethods().stream()
                    .filter(m -> m.getModifiers().contains(JavaModifier.PUBLIC)
                            || m.getModifiers().contains(JavaModifier.PROTECTED))
                    .forEach(m -> {
                        m.getAllInvolvedRawTypes().stream()
                                .filter(t -> t.getPackageName().startsWith("io.kommander.internal"))
                                .forEach(t -> leaks.add(m.getFullName() + " mentions " + t.getName()));
                    });
            type.getConstructors().stream()
                    .filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC)
                            || c.getModifiers().contains(JavaModifier.PROTECTED))
                    .forEach(c -> c.getRawParameterTypes().stream()
                            .filter(t -> t.getPackageName().startsWith("io.kommander.internal"))
                            .forEach(t -> leaks.add(c.getFullName() + " mentions " + t.getName())));
            type.getFields().stream()
                    .filter(f -> f.getModifiers().contains(JavaModifier.PUBLIC)
                            || f.getModifiers().contains(JavaModifier.PROTECTED))
                    .filter(f -> f.getRawType().getPackageName().startsWith("io.kommander.internal"))
                    .forEach(f -> leaks.add(f.getFullName() + " is a " + f.getRawType().getName()));
        }
        assertThat(leaks).as("internal types in public signatures").isEmpty();
    }

    /** Names of test seams: planted bugs, "for testing" hooks, inspection of a partition's internal state. */
    private static final Pattern TEST_SEAM = Pattern.compile("(?i)plant|fortesting|inspect");

    /**
     * Test seams (planted bugs, inspection of a partition's state machine) are reachable from test sources only:
     * main keeps them package-private and the public bridges ({@code PartitionSeams}, {@code NodeSeams}) ship in the
     * test-jar. So no public type, and no public or protected member of one, may name a seam or mention a seam's
     * type; and outside the partition package none may hand out a {@link RaftPartition} or its mutable
     * {@link RaftPartitionStateMachine} (the node routes to partitions, it does not lend them).
     */
    @Test
    void testSeamsAreNotPublicInMain() {
        List<String> seams = new ArrayList<>();
        for (JavaClass type : CORE) {
            if (!isPublic(type)) {
                continue;
            }
            if (TEST_SEAM.matcher(type.getSimpleName()).find()) {
                seams.add(type.getName() + " is a public test seam");
            }
            List<JavaMember> members = new ArrayList<>(type.getCodeUnits());
            members.addAll(type.getFields());
            for (JavaMember member : members) {
                if (!member.getModifiers().contains(JavaModifier.PUBLIC)
                        && !member.getModifiers().contains(JavaModifier.PROTECTED)) {
                    continue;
                }
                if (TEST_SEAM.matcher(member.getName()).find()) {
                    seams.add(member.getFullName() + " is named as a test seam");
                }
                Set<JavaClass> involved = new HashSet<>(member.getAllInvolvedRawTypes());
                member.getAnnotations().forEach(a -> involved.add(a.getRawType()));
                for (JavaClass mentioned : involved) {
                    if (TEST_SEAM.matcher(mentioned.getSimpleName()).find()) {
                        seams.add(member.getFullName() + " mentions " + mentioned.getName());
                    }
                    if ((mentioned.isEquivalentTo(RaftPartition.class)
                            || mentioned.isEquivalentTo(RaftPartitionStateMachine.class))
                            && !type.getPackageName().equals(mentioned.getPackageName())) {
                        seams.add(member.getFullName() + " hands out a partition's internals: "
                                + mentioned.getName());
                    }
                }
            }
        }
        assertThat(seams).as("test seams in public signatures of main").isEmpty();
    }

    /** Public to code outside its package: the type and every type enclosing it are public. */
    private static boolean isPublic(JavaClass type) {
        for (JavaClass t = type; t != null; t = t.getEnclosingClass().orElse(null)) {
            if (!t.getModifiers().contains(JavaModifier.PUBLIC)) {
                return false;
            }
        }
        return true;
    }
}
