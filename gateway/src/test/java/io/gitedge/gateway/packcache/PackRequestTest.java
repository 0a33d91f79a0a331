package io.gitedge.gateway.packcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.PktLines;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which upload-pack requests the pack cache may answer, and their normal form. */
class PackRequestTest {
  static final String A = "1111111111111111111111111111111111111111";
  static final String B = "2222222222222222222222222222222222222222";
  static final List<String> V2 = List.of("version=2");

  static Optional<PackRequest> parse(List<String> protocol, byte[] body) {
    return PackRequest.parse(body, body.length, protocol);
  }

  static byte[] v2Clone(String agent, String... args) {
    String[] lines = new String[args.length + 5];
    lines[0] = "command=fetch";
    lines[1] = "agent=" + agent;
    lines[2] = "object-format=sha1";
    lines[3] = "0001";
    System.arraycopy(args, 0, lines, 4, args.length);
    lines[lines.length - 1] = "0000";
    return PktLines.of(lines);
  }

  // ------------------------------------------------------------------------------ protocol v2

  @Test
  void v2Clone_isCacheable_andItsNormalFormIgnoresOrderAgentAndDuplicateWants() {
    PackRequest a = parse(V2, v2Clone("git/2.39.5", "thin-pack", "no-progress", "ofs-delta",
        "want " + A, "want " + B, "done")).orElseThrow();
    PackRequest b = parse(V2, v2Clone("git/2.45.0", "want " + B, "ofs-delta", "want " + A,
        "want " + A, "no-progress", "thin-pack", "done")).orElseThrow();
    assertEquals(a, b);
    assertEquals(List.of(ObjectId.fromString(A), ObjectId.fromString(B)), a.wants());
    assertTrue(a.v2());
    assertEquals("""
        version 2
        command fetch
        protocol version=2
        want %s
        want %s
        capability object-format=sha1
        no-progress
        ofs-delta
        thin-pack
        """.formatted(A, B), a.normalForm());
  }

  @Test
  void v2_sessionIdIsIgnored_butServerOptionsAndArgumentsCount() {
    PackRequest plain = parse(V2, PktLines.of("command=fetch", "0001", "want " + A, "done", "0000"))
        .orElseThrow();
    assertEquals(plain, parse(V2, PktLines.of("command=fetch", "session-id=abc", "0001",
        "want " + A, "done", "0000")).orElseThrow());
    for (byte[] other : List.of(
        PktLines.of("command=fetch", "server-option=x", "0001", "want " + A, "done", "0000"),
        PktLines.of("command=fetch", "0001", "want " + A, "deepen 1", "done", "0000"),
        PktLines.of("command=fetch", "0001", "want " + A, "filter blob:none", "done", "0000"),
        PktLines.of("command=fetch", "0001", "want " + A, "include-tag", "done", "0000"))) {
      assertNotEquals(plain, parse(V2, other).orElseThrow());
    }
    assertNotEquals(parse(V2, PktLines.of("command=fetch", "0001", "want " + A, "deepen 1", "done",
        "0000")), parse(V2, PktLines.of("command=fetch", "0001", "want " + A, "deepen 2", "done",
        "0000")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"have " + B, "shallow " + B, "want-ref refs/heads/main",
      "packfile-uris https", "deepen-since 1700000000", "deepen-not refs/heads/old",
      "deepen-relative", "deepen 0", "wait-for-done", "something-new", "want " + "XYZ"})
  void v2_withArgumentsThatChangeWhatIsSentOrAreUnknown_isNotCacheable(String arg) {
    assertEquals(Optional.empty(), parse(V2, v2Clone("git/2", "want " + A, arg, "done")));
  }

  // ------------------------------------------------------------------------------ shallow fetches

  static final String C = "3333333333333333333333333333333333333333";

  /** What go's {@code git fetch -f --depth=1 origin refs/tags/vX:refs/tags/vX} sends after v1. */
  static byte[] goShallowFetch(String... shallowsAndHaves) {
    List<String> lines = new java.util.ArrayList<>(List.of("command=fetch", "agent=git/2.39.5",
        "0001", "thin-pack", "no-progress", "include-tag", "ofs-delta"));
    lines.addAll(List.of(shallowsAndHaves));
    lines.add("0000");
    return PktLines.of(lines.toArray(String[]::new));
  }

  @Test
  void v2ShallowFetchWithTheClientsShallowsAndHaves_isCacheable_withHavesInTheirOrder() {
    PackRequest go = parse(V2, goShallowFetch("shallow " + A, "shallow " + B, "deepen 1",
        "want " + C, "have " + B, "have " + A)).orElseThrow();
    assertTrue(go.carriesClientState());
    assertEquals(List.of(ObjectId.fromString(A), ObjectId.fromString(B), ObjectId.fromString(B),
        ObjectId.fromString(A)), go.clientObjects());
    assertEquals("""
        version 2
        command fetch
        protocol version=2
        want %s
        deepen 1
        include-tag
        no-progress
        ofs-delta
        thin-pack
        shallow %s
        shallow %s
        have %s
        have %s
        without done
        """.formatted(C, A, B, B, A), go.normalForm());
    assertEquals(go, parse(V2, goShallowFetch("deepen 1", "shallow " + B, "want " + C,
        "shallow " + A, "have " + B, "have " + A)).orElseThrow(),
        "shallow commits are a set to upload-pack");
    for (byte[] other : List.of(
        goShallowFetch("shallow " + A, "shallow " + B, "deepen 1", "want " + C, "have " + A,
            "have " + B),
        goShallowFetch("shallow " + A, "shallow " + B, "deepen 1", "want " + C, "have " + B,
            "have " + A, "done"),
        goShallowFetch("shallow " + A, "shallow " + B, "deepen 1", "want " + C, "have " + B,
            "have " + A, "have " + A),
        goShallowFetch("shallow " + A, "deepen 1", "want " + C, "have " + B, "have " + A),
        goShallowFetch("shallow " + A, "shallow " + B, "deepen 2", "want " + C, "have " + B,
            "have " + A))) {
      assertNotEquals(go, parse(V2, other).orElseThrow(), "acknowledged in order, done or not");
    }
    PackRequest clone = parse(V2, goShallowFetch("deepen 1", "want " + C, "done")).orElseThrow();
    assertFalse(clone.carriesClientState());
    assertEquals(List.of(), clone.clientObjects());
  }

  @Test
  void v2HavesOrShallowsWithoutDeepen_twoDeepens_orNoDoneWithoutHaves_areNotCacheable() {
    assertEquals(Optional.empty(), parse(V2, goShallowFetch("shallow " + A, "want " + C,
        "have " + A, "done")), "an ordinary incremental fetch");
    assertEquals(Optional.empty(), parse(V2, goShallowFetch("want " + C, "have " + A,
        "done")));
    assertEquals(Optional.empty(), parse(V2, goShallowFetch("deepen 1", "deepen 2",
        "want " + C, "done")), "the last deepen counts: sorting would lose which");
    assertEquals(Optional.empty(), parse(V2, goShallowFetch("deepen 1", "shallow " + A,
        "want " + C)));
    assertEquals(Optional.empty(), parse(V2, goShallowFetch("deepen 1", "shallow " + A,
        "want " + C, "have " + A, "wait-for-done")));
    assertEquals(Optional.empty(), parse(List.of(), PktLines.of("want " + A + " side-band-64k",
        "deepen 2", "deepen 1", "0000", "done")));
  }

  @Test
  void v2_refListings_areCacheable_inANormalFormOfTheirOwn() {
    PackRequest a = parse(V2, PktLines.of("command=ls-refs", "agent=git/2.39", "object-format=sha1",
        "0001", "peel", "symrefs", "ref-prefix refs/heads/", "ref-prefix refs/tags/", "0000"))
        .orElseThrow();
    PackRequest b = parse(V2, PktLines.of("command=ls-refs", "agent=git/2.45", "object-format=sha1",
        "0001", "ref-prefix refs/tags/", "symrefs", "ref-prefix refs/heads/", "peel", "0000"))
        .orElseThrow();
    assertEquals(a, b);
    assertFalse(a.fetch());
    assertEquals(List.of(), a.wants());
    PackRequest all = parse(V2, PktLines.of("command=ls-refs", "0000")).orElseThrow();
    assertNotEquals(a, all);
    assertNotEquals(a, parse(V2, PktLines.of("command=ls-refs", "0001", "peel", "symrefs",
        "ref-prefix refs/heads/", "0000")).orElseThrow(), "another prefix set, another listing");
    assertEquals(Optional.empty(), parse(V2, PktLines.of("command=ls-refs", "0001", "peel",
        "something-new", "0000")));
    assertEquals(Optional.empty(), parse(V2, PktLines.of("command=ls-refs", "0001", "ref-prefix ",
        "0000")));
  }

  @Test
  void v2_otherCommandsNoWantsOrNoDone_areNotCacheable() {
    assertEquals(Optional.empty(), parse(V2, PktLines.of("command=object-info", "0001", "size",
        "oid " + A, "0000")));
    assertEquals(Optional.empty(), parse(V2, PktLines.of("command=fetch", "0000")));
    assertEquals(Optional.empty(), parse(V2, PktLines.of("command=fetch", "0001", "done", "0000")));
    assertEquals(Optional.empty(), parse(V2, PktLines.of("command=fetch", "0001", "want " + A,
        "0000")));
    assertEquals(Optional.empty(), parse(V2, PktLines.of("command=fetch", "unknown-cap", "0001",
        "want " + A, "done", "0000")));
    assertEquals(Optional.empty(), parse(V2, PktLines.of("agent=git/2", "command=fetch", "0001",
        "want " + A, "done", "0000")));
  }

  // ------------------------------------------------------------------------------ protocol v0

  @Test
  void v0StatelessClone_isCacheable_andCapabilitiesMayComeWithAnyWant() {
    PackRequest a = parse(List.of(), PktLines.of("want " + A
        + " multi_ack_detailed no-done side-band-64k thin-pack ofs-delta agent=git/2.39.5",
        "want " + B, "0000", "done")).orElseThrow();
    PackRequest b = parse(List.of(), PktLines.of("want " + B
        + " side-band-64k ofs-delta thin-pack no-done multi_ack_detailed agent=other",
        "want " + A, "0000", "done")).orElseThrow();
    assertEquals(a, b);
    assertEquals(false, a.v2());
    assertNotEquals(a, parse(V2, v2Clone("git/2", "want " + A, "want " + B, "done"))
        .orElseThrow());
  }

  @Test
  void v0_depthAndFilterCount_andProtocolParametersToo() {
    PackRequest full = parse(List.of(), PktLines.of("want " + A + " side-band-64k", "0000", "done"))
        .orElseThrow();
    PackRequest shallow = parse(List.of(), PktLines.of("want " + A + " side-band-64k", "deepen 1",
        "0000", "done")).orElseThrow();
    PackRequest filtered = parse(List.of(), PktLines.of("want " + A + " side-band-64k",
        "filter blob:none", "0000", "done")).orElseThrow();
    PackRequest v1 = parse(List.of("version=1"), PktLines.of("want " + A + " side-band-64k", "0000",
        "done")).orElseThrow();
    assertNotEquals(full, shallow);
    assertNotEquals(full, filtered);
    assertNotEquals(shallow, filtered);
    assertNotEquals(full, v1);
  }

  @Test
  void v0_withHavesShallowsOrWithoutDone_isNotCacheable() {
    String first = "want " + A + " multi_ack_detailed side-band-64k";
    assertEquals(Optional.empty(), parse(List.of(), PktLines.of(first, "0000", "have " + B, "0000",
        "done")));
    assertEquals(Optional.empty(), parse(List.of(), PktLines.of(first, "shallow " + B, "deepen 1",
        "0000", "done")));
    assertEquals(Optional.empty(), parse(List.of(), PktLines.of(first, "deepen-since 1", "0000",
        "done")));
    assertEquals(Optional.empty(), parse(List.of(), PktLines.of(first, "deepen 1", "0000")));
    assertEquals(Optional.empty(), parse(List.of(), PktLines.of(first, "0000", "done", "done")));
    assertEquals(Optional.empty(), parse(List.of(), PktLines.of("0000", "done")));
  }

  // ------------------------------------------------------------------------------ malformed

  @ParameterizedTest
  @ValueSource(strings = {"", "00", "zzzz", "0002", "0003", "0004", "00A0", "ffff",
      "0033want 1111111111111111111111111111111111111111\n0000", "0100want"})
  void malformedPktLines_areNotCacheable(String raw) {
    byte[] body = raw.getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(Optional.empty(), PackRequest.parse(body, body.length, V2));
    assertEquals(Optional.empty(), PackRequest.parse(body, body.length, List.of()));
  }

  @Test
  void trailingBytesAfterTheRequest_makeItNotCacheable() {
    byte[] ok = v2Clone("git/2", "want " + A, "done");
    byte[] extra = java.util.Arrays.copyOf(ok, ok.length + 4);
    System.arraycopy("0000".getBytes(StandardCharsets.US_ASCII), 0, extra, ok.length, 4);
    assertTrue(parse(V2, ok).isPresent());
    assertEquals(Optional.empty(), parse(V2, extra));
  }
}
