package klbench;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of the README's layout, checked on the compiled product classes (tests excluded):
 * no package cycles, a core that depends on nothing of klbench and on no Spark or Hadoop class, and
 * distributions below grid (grid → distributions → core).
 */
class ArchitectureTest {
  static JavaClasses product;

  @BeforeAll
  static void importProductClasses() {
    product = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("klbench");
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("klbench.(*)..").should().beFreeOfCycles().check(product);
  }

  @Test
  void coreDependsOnNoOtherKlbenchPackage() {
    noClasses().that().resideInAPackage("klbench.core..")
        .should().dependOnClassesThat(resideInAPackage("klbench..").and(resideOutsideOfPackage("klbench.core..")))
        .check(product);
  }

  @Test
  void coreDependsOnNeitherSparkNorHadoop() {
    noClasses().that().resideInAPackage("klbench.core..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "org.apache.hadoop..", "org.apache.parquet..", "scala..")
        .check(product);
  }

  @Test
  void distributionsDoNotDependOnTheGrid() {
    noClasses().that().resideInAPackage("klbench.distributions..")
        .should().dependOnClassesThat().resideInAPackage("klbench.grid..")
        .check(product);
  }
}
