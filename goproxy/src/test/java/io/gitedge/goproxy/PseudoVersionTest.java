package io.gitedge.goproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The behaviour table of x/mod's {@code pseudo_test.go}, and the messages. */
class PseudoVersionTest {
  private static final Instant TIME = Instant.parse("2006-01-02T15:04:05Z");

  /** major, older (the base version), and the pseudo-version they make at {@link #TIME}. */
  private static final String TABLE = """
      '', '', v0.0.0-20060102150405-hash
      v0, '', v0.0.0-20060102150405-hash
      v1, '', v1.0.0-20060102150405-hash
      v2, '', v2.0.0-20060102150405-hash
      unused, v0.0.0, v0.0.1-0.20060102150405-hash
      unused, v1.2.3, v1.2.4-0.20060102150405-hash
      unused, v1.2.99999999999999999, v1.2.100000000000000000-0.20060102150405-hash
      unused, v1.2.3-pre, v1.2.3-pre.0.20060102150405-hash
      unused, v1.3.0-pre, v1.3.0-pre.0.20060102150405-hash
      unused, v0.0.0--, v0.0.0--.0.20060102150405-hash
      unused, v1.0.0+metadata, v1.0.1-0.20060102150405-hash+metadata
      unused, v2.0.0+incompatible, v2.0.1-0.20060102150405-hash+incompatible
      unused, v2.3.0-pre+incompatible, v2.3.0-pre.0.20060102150405-hash+incompatible
      """;

  @ParameterizedTest
  @CsvSource(textBlock = TABLE)
  void of(String major, String older, String version) {
    assertEquals(version, PseudoVersion.of(major, older, TIME, "hash"));
  }

  @ParameterizedTest
  @CsvSource(textBlock = TABLE)
  void is(String major, String older, String version) {
    assertTrue(PseudoVersion.is(version));
    assertFalse(PseudoVersion.is(older));
  }

  @ParameterizedTest
  @CsvSource(textBlock = TABLE)
  void time(String major, String older, String version) throws Exception {
    assertEquals(TIME, PseudoVersion.time(version));
    assertThrows(GoModuleException.Invalid.class, () -> PseudoVersion.time(older));
  }

  @ParameterizedTest
  @CsvSource(textBlock = TABLE)
  void rev(String major, String older, String version) throws Exception {
    assertEquals("hash", PseudoVersion.rev(version));
    assertThrows(GoModuleException.Invalid.class, () -> PseudoVersion.rev(older));
  }

  @ParameterizedTest
  @CsvSource(textBlock = TABLE)
  void base(String major, String older, String version) throws Exception {
    assertEquals(older, PseudoVersion.base(version));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "v0.0.0",
    "v0.0.0-", // malformed: empty prerelease
    "v0.0.0-0.20060102150405-hash", // Z+1 == 0
    "v0.1.0-0.20060102150405-hash", // Z+1 == 0
    "v1.0.0-0.20060102150405-hash", // Z+1 == 0
    "v0.0.0-20060102150405-hash+incompatible", // +incompatible without base version
    "v0.0.0-20060102150405-hash+metadata", // other metadata without base version
  })
  void base_refusesWhatHasNoBase(String v) {
    assertThrows(GoModuleException.Invalid.class, () -> PseudoVersion.base(v));
  }

  @ParameterizedTest
  @ValueSource(strings = {"---", "", "v1.2.3", "v1.2.3-pre", "v1.0.0-20060102150405",
      "v1.0.0-2006010215040-hash", "v1.0.0-200601021504055-hash", "v1.1.0-20060102150405-hash",
      "v1.0.1-1.20060102150405-hash", "v1.0.0-pre.20060102150405-hash",
      "v1.0.0-20060102150405-ha_sh", "v1.0.0-20060102150405-hash\n",
      "v1.0.0-20060102150405-", "v01.0.0-20060102150405-hash", "1.0.0-20060102150405-hash",
      "v1.0.0-20060102150405-hash+", "v1.0.0-2006010215040x-hash"})
  void notPseudoVersions(String v) {
    assertFalse(PseudoVersion.is(v));
    assertThrows(GoModuleException.Invalid.class, () -> PseudoVersion.time(v));
    assertThrows(GoModuleException.Invalid.class, () -> PseudoVersion.rev(v));
    assertThrows(GoModuleException.Invalid.class, () -> PseudoVersion.base(v));
  }

  @ParameterizedTest
  @CsvSource({
    "v0.0.0-20061302150405-hash, 20061302150405", // month 13
    "v0.0.0-20060230150405-hash, 20060230150405", // February 30
    "v0.0.0-20060229150405-hash, 20060229150405", // not a leap year
    "v0.0.0-20060102240405-hash, 20060102240405", // hour 24
    "v0.0.0-20060102156005-hash, 20060102156005", // minute 60
    "v0.0.0-20060102150460-hash, 20060102150460", // second 60
    "v0.0.0-20060100150405-hash, 20060100150405", // day 0
  })
  void time_refusesImpossibleDates(String v, String timestamp) {
    assertTrue(PseudoVersion.is(v));
    assertEquals("pseudo-version \"" + v + "\" invalid: malformed time \"" + timestamp + "\"",
        assertThrows(GoModuleException.Invalid.class, () -> PseudoVersion.time(v))
            .getMessage());
  }

  @Test
  void time_acceptsLeapDaysAndYearZero() throws Exception {
    assertEquals(Instant.parse("2004-02-29T23:59:59Z"),
        PseudoVersion.time("v0.0.0-20040229235959-hash"));
    assertEquals(Instant.parse("0000-01-01T00:00:00Z"),
        PseudoVersion.time("v0.0.0-00000101000000-hash"));
  }

  @Test
  void of_writesTheTimeInUtcToTheSecond() {
    Instant t = Instant.parse("2024-12-31T23:59:59.987654321Z");
    assertEquals("v0.0.0-20241231235959-abcdef123456",
        PseudoVersion.of("", "", t, "abcdef123456"));
    assertEquals("v0.0.0-00010101000000-000000000000",
        PseudoVersion.of("", "", Instant.parse("0001-01-01T00:00:00Z"), "000000000000"));
  }

  @Test
  void of_ignoresAnInvalidOlderVersion() {
    assertEquals("v3.0.0-20060102150405-hash", PseudoVersion.of("v3", "junk", TIME, "hash"));
    assertEquals("v3.0.0-20060102150405-hash", PseudoVersion.of("v3", "v3.1+meta", TIME,
        "hash"));
    // v3.1 is a valid shorthand, so it makes form (2) from its canonical v3.1.0
    assertEquals("v3.1.1-0.20060102150405-hash", PseudoVersion.of("v3", "v3.1", TIME, "hash"));
  }

  @ParameterizedTest
  @CsvSource({
    "v0.0.0-00010101000000-000000000000, true",
    "v1.0.0-00010101000000-000000000000, true",
    "v2.0.0-00010101000000-000000000000, true",
    "v2.0.0-00010101000000-000000000001, false",
    "v2.0.0-00010101000001-000000000000, false",
    "v0.0.1-0.00010101000000-000000000000, false",
    "v0.0.0-20060102150405-000000000000, false",
    "v0.0.0, false",
    "'', false",
  })
  void isZero(String v, boolean zero) {
    assertEquals(zero, PseudoVersion.isZero(v));
  }

  @Test
  void zero_isThePlaceholderOfAMajor() {
    assertEquals("v0.0.0-00010101000000-000000000000", PseudoVersion.zero(""));
    assertEquals("v2.0.0-00010101000000-000000000000", PseudoVersion.zero("v2"));
  }

  @ParameterizedTest
  @CsvSource({"0, 1", "1, 2", "99, 100", "100, 101", "101, 102", "9, 10", "1999, 2000"})
  void incDecimal(String in, String want) {
    assertEquals(want, PseudoVersion.incDecimal(in));
  }

  @ParameterizedTest
  @CsvSource({"'', ''", "0, ''", "00, ''", "1, 0", "2, 1", "99, 98", "100, 99", "101, 100",
      "10, 9", "2000, 1999"})
  void decDecimal(String in, String want) {
    assertEquals(want, PseudoVersion.decDecimal(in));
  }

  @Test
  void messages_areTheGoCommands() {
    assertEquals("pseudo-version \"v1.2.3\" invalid: syntax error",
        assertThrows(GoModuleException.Invalid.class, () -> PseudoVersion.rev("v1.2.3"))
            .getMessage());
    assertEquals("pseudo-version \"v0.0.0-20060102150405-hash+incompatible\" invalid: lacks "
        + "base version, but has build metadata \"+incompatible\"",
        assertThrows(GoModuleException.Invalid.class,
            () -> PseudoVersion.base("v0.0.0-20060102150405-hash+incompatible")).getMessage());
    assertEquals("pseudo-version \"v1.0.0-0.20060102150405-hash\" invalid: version before "
        + "v1.0.0 would have negative patch number",
        assertThrows(GoModuleException.Invalid.class,
            () -> PseudoVersion.base("v1.0.0-0.20060102150405-hash")).getMessage());
  }
}
