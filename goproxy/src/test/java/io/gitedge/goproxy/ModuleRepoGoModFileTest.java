package io.gitedge.goproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link GoModFile}: {@code modfile.ModulePath} and the retractions {@code modfile.ParseLax}
 * finds, with the files it refuses (then nothing is retracted). Cases from x/mod's
 * {@code read_test.go} and {@code rule_test.go} behaviour.
 */
class ModuleRepoGoModFileTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Optional<List<GoModFile.Interval>> retract(String goMod) {
    return GoModFile.retractions(b(goMod));
  }

  @Test
  void modulePath_isTheFirstModuleLine_unquoted() {
    assertEquals("x.y/z", GoModFile.modulePath(b("module x.y/z\n")));
    assertEquals("x.y/z", GoModFile.modulePath(b("// c\n  module   x.y/z  // comment\n")));
    assertEquals("x.y/z", GoModFile.modulePath(b("module \"x.y/z\"\n")));
    assertEquals("x.y/z", GoModFile.modulePath(b("module `x.y/z`")));
    assertEquals("", GoModFile.modulePath(b("modulex.y/z\n")), "needs a space");
    assertEquals("", GoModFile.modulePath(b("module \"x.y/z\n")), "bad quoting");
    assertEquals("", GoModFile.modulePath(b("go 1.19\n")));
    assertEquals("(", GoModFile.modulePath(b("module (\n\tx.y/z\n)\n")),
        "a block is not understood (ModulePath is line based)");
  }

  @Test
  void retractions_singleVersionsIntervalsAndBlocks() {
    Optional<List<GoModFile.Interval>> r = retract("module m\n\ngo 1.16\n\n"
        + "retract v1.0.0 // bad\n"
        + "retract [v1.1.0, v1.2.0]\n"
        + "retract (\n\t\"v2.0.0\"\n\n\t// why\n\t[v3.0.0, v3.1.0] // also\n)\n");
    assertEquals(Optional.of(List.of(new GoModFile.Interval("v1.0.0", "v1.0.0"),
        new GoModFile.Interval("v1.1.0", "v1.2.0"), new GoModFile.Interval("v2.0.0", "v2.0.0"),
        new GoModFile.Interval("v3.0.0", "v3.1.0"))), r);
    GoModFile.Interval i = r.get().get(1);
    assertTrue(i.contains("v1.1.5"));
    assertTrue(i.contains("v1.2.0"));
    assertFalse(i.contains("v1.2.1"));
    assertFalse(i.contains("v1.1.0-pre"));
  }

  @Test
  void retractions_ofAMalformedIntervalAreSkipped_notFatal() {
    // Lax parsing ignores bad retract lines (open intervals may come some day).
    assertEquals(Optional.of(List.of(new GoModFile.Interval("v1.0.0", "v1.0.0"))),
        retract("module m\nretract [v0.1.0,\nretract v1.0.0\nretract ( \n)\n"));
  }

  @Test
  void filesTheGoCommandCannotParse_retractNothing() {
    assertEquals(Optional.empty(), retract("module m\nretract v1.0.0\n/* no */\n"));
    assertEquals(Optional.empty(), retract("module m\nmodule n\nretract v1.0.0\n"));
    assertEquals(Optional.empty(), retract("module m\ngo 1.x\nretract v1.0.0\n"));
    assertEquals(Optional.empty(), retract("module m\nrequire x.y/z latest\nretract v1.0.0\n"));
    assertEquals(Optional.empty(), retract("module m\nrequire x.y/z/v2 v1.0.0\nretract v1\n"));
    assertEquals(Optional.empty(), retract("module m\nretract (\nv1.0.0\n"), "unterminated");
    assertEquals(Optional.empty(), retract("module 'm'\nretract v1.0.0\n"));
    assertEquals(Optional.empty(), retract("module m\nretract \"v1.0.0\n"));
  }

  @Test
  void laxParsing_acceptsWhatDependenciesMayContain() {
    // Unknown directives and blocks, replace/exclude (main module only), patch-level and
    // odd go versions the lax pattern fixes, and "v1" for a require, which canonicalizes.
    assertEquals(Optional.of(List.of(new GoModFile.Interval("v1.0.0", "v1.0.0"))),
        retract("module m\ngo 1.21.0\ntoolchain go1.22.1\nfuture ( a b )\nfoo bar\n"
            + "replace a => b\nexclude ??? !!!\nrequire x.y/z v1\nretract v1.0.0\n"));
    assertEquals(Optional.of(List.of()), retract("module m\ngo 1.19rc1\n"));
    // A go block is no block parseToFile reads, so its lines are not checked.
    assertEquals(Optional.of(List.of(new GoModFile.Interval("v1.0.0", "v1.0.0"))),
        retract("module m\ngo (\n\t1.x\n)\nretract v1.0.0\n"));
  }

  @Test
  void parseLax_readsTheGoLineAndTheRetractionsInOnePass() {
    assertEquals(Optional.of(new GoModFile.Lax("1.21",
            List.of(new GoModFile.Interval("v1.0.0", "v1.1.0")))),
        GoModFile.parseLax(b("module m\ngo 1.21.x\nretract [v1.0.0, v1.1.0]\n")));
    assertEquals(Optional.of(new GoModFile.Lax("", List.of())), GoModFile.parseLax(b("")));
    assertEquals(Optional.empty(), GoModFile.parseLax(b("go 1.21\ngo 1.22\nretract v1\n")));
  }
}
