package io.gitedge.goproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The behaviour table of x/mod's {@code semver_test.go}: each input with its canonical form
 * ({@code ""} when invalid), in increasing order, so that every method and every pair of rows
 * is checked against it.
 */
class SemverTest {
  private static final String[][] TABLE = {
    {"bad", ""},
    {"v1-alpha.beta.gamma", ""},
    {"v1-pre", ""},
    {"v1+meta", ""},
    {"v1-pre+meta", ""},
    {"v1.2-pre", ""},
    {"v1.2+meta", ""},
    {"v1.2-pre+meta", ""},
    {"v1.0.0-alpha", "v1.0.0-alpha"},
    {"v1.0.0-alpha.1", "v1.0.0-alpha.1"},
    {"v1.0.0-alpha.beta", "v1.0.0-alpha.beta"},
    {"v1.0.0-beta", "v1.0.0-beta"},
    {"v1.0.0-beta.2", "v1.0.0-beta.2"},
    {"v1.0.0-beta.11", "v1.0.0-beta.11"},
    {"v1.0.0-rc.1", "v1.0.0-rc.1"},
    {"v1", "v1.0.0"},
    {"v1.0", "v1.0.0"},
    {"v1.0.0", "v1.0.0"},
    {"v1.2", "v1.2.0"},
    {"v1.2.0", "v1.2.0"},
    {"v1.2.3-456", "v1.2.3-456"},
    {"v1.2.3-456.789", "v1.2.3-456.789"},
    {"v1.2.3-456-789", "v1.2.3-456-789"},
    {"v1.2.3-456a", "v1.2.3-456a"},
    {"v1.2.3-pre", "v1.2.3-pre"},
    {"v1.2.3-pre+meta", "v1.2.3-pre"},
    {"v1.2.3-pre.1", "v1.2.3-pre.1"},
    {"v1.2.3-zzz", "v1.2.3-zzz"},
    {"v1.2.3", "v1.2.3"},
    {"v1.2.3+meta", "v1.2.3"},
    {"v1.2.3+meta-pre", "v1.2.3"},
    {"v1.2.3+meta-pre.sha.256a", "v1.2.3"},
  };

  static Stream<Arguments> table() {
    return Stream.of(TABLE).map(row -> Arguments.of(row[0], row[1]));
  }

  @ParameterizedTest
  @MethodSource("table")
  void isValid(String in, String out) {
    assertEquals(!out.isEmpty(), Semver.isValid(in));
  }

  @ParameterizedTest
  @MethodSource("table")
  void canonical(String in, String out) {
    assertEquals(out, Semver.canonical(in));
    assertEquals(out, Semver.canonicalSemver(in));
  }

  @ParameterizedTest
  @MethodSource("table")
  void major(String in, String out) {
    String want = out.isEmpty() ? "" : out.substring(0, out.indexOf('.'));
    assertEquals(want, Semver.major(in));
  }

  @ParameterizedTest
  @MethodSource("table")
  void majorMinor(String in, String out) {
    String want = "";
    if (!out.isEmpty()) {
      want = in;
      if (want.indexOf('+') >= 0) {
        want = want.substring(0, want.indexOf('+'));
      }
      if (want.indexOf('-') >= 0) {
        want = want.substring(0, want.indexOf('-'));
      }
      long dots = want.chars().filter(c -> c == '.').count();
      if (dots == 0) {
        want += ".0";
      } else if (dots == 2) {
        want = want.substring(0, want.lastIndexOf('.'));
      }
    }
    assertEquals(want, Semver.majorMinor(in));
  }

  @ParameterizedTest
  @MethodSource("table")
  void prerelease(String in, String out) {
    String want = out.indexOf('-') >= 0 ? out.substring(out.indexOf('-')) : "";
    assertEquals(want, Semver.prerelease(in));
  }

  @ParameterizedTest
  @MethodSource("table")
  void build(String in, String out) {
    String want = !out.isEmpty() && in.indexOf('+') >= 0 ? in.substring(in.indexOf('+')) : "";
    assertEquals(want, Semver.build(in));
  }

  @Test
  void compare_ordersEveryPairAsTheTableDoes() {
    for (int i = 0; i < TABLE.length; i++) {
      for (int j = 0; j < TABLE.length; j++) {
        int want = TABLE[i][1].equals(TABLE[j][1]) ? 0 : i < j ? -1 : +1;
        assertEquals(want, Semver.compare(TABLE[i][0], TABLE[j][0]),
            TABLE[i][0] + " vs " + TABLE[j][0]);
      }
    }
  }

  @Test
  void max_isTheGreaterAndTheFirstOnATie() {
    for (int i = 0; i < TABLE.length; i++) {
      for (int j = 0; j < TABLE.length; j++) {
        String v = TABLE[i][0];
        String w = TABLE[j][0];
        String want = TABLE[i][1].equals(TABLE[j][1]) || i > j ? v : w;
        assertEquals(want, Semver.max(v, w), v + " vs " + w);
      }
    }
  }

  @RepeatedTest(5)
  void sort_givesTheGoldenOrderFromAnyShuffle() {
    List<String> golden = List.of(
        "bad",
        "v1+meta",
        "v1-alpha.beta.gamma",
        "v1-pre",
        "v1-pre+meta",
        "v1.2+meta",
        "v1.2-pre",
        "v1.2-pre+meta",
        "v1.0.0-alpha",
        "v1.0.0-alpha.1",
        "v1.0.0-alpha.beta",
        "v1.0.0-beta",
        "v1.0.0-beta.2",
        "v1.0.0-beta.11",
        "v1.0.0-rc.1",
        "v1",
        "v1.0",
        "v1.0.0",
        "v1.2",
        "v1.2.0",
        "v1.2.3-456",
        "v1.2.3-456.789",
        "v1.2.3-456-789",
        "v1.2.3-456a",
        "v1.2.3-pre",
        "v1.2.3-pre+meta",
        "v1.2.3-pre.1",
        "v1.2.3-zzz",
        "v1.2.3",
        "v1.2.3+meta",
        "v1.2.3+meta-pre",
        "v1.2.3+meta-pre.sha.256a");
    List<String> versions = new ArrayList<>(golden);
    Collections.shuffle(versions, new Random());
    Semver.sort(versions);
    assertEquals(golden, versions);
  }

  @ParameterizedTest
  @CsvSource({
    "v2.0.0+incompatible, v2.0.0+incompatible, v2.0.0",
    "v2.1.0-pre+incompatible, v2.1.0-pre+incompatible, v2.1.0-pre",
    "v2.0.0+incompatible.1, v2.0.0, v2.0.0",
    "v2.0.0+meta, v2.0.0, v2.0.0",
    "v2+incompatible, '', ''",
  })
  void canonical_keepsIncompatibleWhereSemverDropsIt(String in, String canonical,
      String semver) {
    assertEquals(canonical, Semver.canonical(in));
    assertEquals(semver, Semver.canonicalSemver(in));
  }

  @ParameterizedTest
  @CsvSource({
    // leading zeros, empty identifiers, characters outside [0-9A-Za-z-]
    "v01.0.0", "v1.01.0", "v1.0.01", "v1.0.0-01", "v1.0.0-alpha.01", "v1.0.0-", "v1.0.0-a..b",
    "v1.0.0-a.", "v1.0.0+", "v1.0.0+a..b", "v1.0.0+a.", "v1.0.0-a_b", "v1.0.0+a_b", "1.0.0",
    "V1.0.0", "v", "v1.", "v1.0.", "v1.0.0.0", "'v1.0.0 '", "' v1.0.0'", "v1.0.0-a+b+c",
    "v-1.0.0", "v1.0.0-\u00e9",
  })
  void invalidVersions(String v) {
    assertEquals(false, Semver.isValid(v));
    assertEquals("", Semver.canonical(v));
    assertEquals("", Semver.major(v));
    assertEquals(0, Semver.compare(v, "bad"));
    assertEquals(-1, Semver.compare(v, "v0.0.0-0"));
  }

  @ParameterizedTest
  @CsvSource({
    "v1.0.0-0a, v1.0.0-00a", // alphanumeric with leading zeros is fine and compares as text
    "v1.0.0+01, v1.0.0+0.0", // build identifiers may have leading zeros
    "v12345678901234567890.0.0, v12345678901234567890",
  })
  void validEdgeCases(String v, String w) {
    assertEquals(true, Semver.isValid(v));
    assertEquals(true, Semver.isValid(w));
  }

  @ParameterizedTest
  @CsvSource({
    "v1.0.0-alpha, v1.0.0-alpha.1",
    "v1.0.0-1, v1.0.0-a",
    "v1.0.0-9, v1.0.0-10",
    "v1.0.0-Z, v1.0.0-a",
    "v1.9.0, v1.10.0",
    "v9.0.0, v10.0.0",
    "v99999999999999999999.0.0, v100000000000000000000.0.0",
    "v1.0.0-0.20060102150405-abc, v1.0.0-rc.1",
    "v1.0.1-0.20060102150405-abc, v1.0.1",
  })
  void compare_orders(String lower, String higher) {
    assertEquals(-1, Semver.compare(lower, higher));
    assertEquals(+1, Semver.compare(higher, lower));
    assertEquals(higher, Semver.max(lower, higher));
    assertEquals(higher, Semver.max(higher, lower));
  }

  @Test
  void compare_ignoresBuildMetadata() {
    assertEquals(0, Semver.compare("v1.0.0+a", "v1.0.0+b"));
    assertEquals(0, Semver.compare("v2.0.0+incompatible", "v2.0.0"));
    assertNotEquals(0, Semver.compare("v1.0.0-a", "v1.0.0-b"));
  }

  @Test
  void sort_breaksTiesByString() {
    List<String> versions = new ArrayList<>(List.of("v1.0.0+b", "v1", "zz", "v1.0.0+a", "aa",
        "v1.0"));
    Semver.sort(versions);
    assertEquals(List.of("aa", "zz", "v1", "v1.0", "v1.0.0+a", "v1.0.0+b"), versions);
  }

  @Test
  void sort_comparesTiesInGoByteOrderNotUtf16() {
    // U+FF21 sorts before U+1F600 in UTF-8 and code points, after it in UTF-16 code units.
    List<String> versions = new ArrayList<>(List.of("\uD83D\uDE00", "\uFF21"));
    Semver.sort(versions);
    assertEquals(List.of("\uFF21", "\uD83D\uDE00"), versions);
  }

  @Test
  void majorMinor_keepsTheWrittenMinor() {
    assertEquals("v2.10", Semver.majorMinor("v2.10.3-pre+meta"));
    assertEquals("v2.0", Semver.majorMinor("v2"));
    assertEquals("v2", Semver.major("v2.10.3"));
  }

  @Test
  void nullIsJustInvalid() {
    assertEquals(false, Semver.isValid(null));
    assertEquals("", Semver.canonical(null));
  }
}
