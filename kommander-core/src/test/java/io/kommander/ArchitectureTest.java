package io.kommander;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.kommander.partition.RaftPartitionStateMachine;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

class ArchitectureTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.kommander");

    @Test
    void coreImportsNoNettyOrRocksDb() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.netty..", "org.rocksdb..")
                .check(CORE);
    }

    @Test
    void stateMachineHasNoClockThreadOrRandomOfItsOwn() {
        noClasses().that().belongToAnyOf(RaftPartitionStateMachine.class)
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().dependOnClassesThat().belongToAnyOf(Thread.class, java.util.Random.class,
                        java.util.concurrent.ThreadLocalRandom.class, java.time.Instant.class,
                        java.time.Clock.class, java.util.concurrent.Executor.class,
                        java.util.concurrent.CompletableFuture.class)
                .check(CORE);
    }

    @Test
    void partitionPackageDoesNotReachIntoTheWalImplementations() {
        noClasses().that().resideInAPackage("io.kommander.partition")
                .should().dependOnClassesThat().belongToAnyOf(io.kommander.wal.InMemoryWAL.class,
                        io.kommander.transport.InMemoryTransport.class)
                .check(CORE);
    }
}
