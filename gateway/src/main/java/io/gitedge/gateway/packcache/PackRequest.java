package io.gitedge.gateway.packcache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.ObjectId;

/**
 * A stateless upload-pack request that {@link PackCache} may answer from a stored response: a
 * fresh clone (wants, and no haves), or a shallow fetch that carries what the client already has
 * (go's fetch of each further version), in protocol v2 or v0, reduced to a normal form so that
 * requests meaning the same thing compare equal. Parsing never depends on a transport; the
 * bytes are the pkt-lines of git's {@code Documentation/gitprotocol-v2.txt} ({@code fetch}) and
 * {@code gitprotocol-pack.txt} (stateless {@code want ... done}).
 *
 * <p>The ref listing of protocol v2 ({@code ls-refs}) is answered the same way: it depends only
 * on the refs and its arguments, and for a mirror with thousands of refs building it costs far
 * more than looking it up.
 *
 * <pre>
 * v2  command=ls-refs LF  capability lines  0001  peel, symrefs, unborn, ref-prefix &lt;p&gt;  0000
 * v2  command=fetch LF  capability lines (agent=, session-id=, object-format=, server-option=)
 *     0001  thin-pack, no-progress, include-tag, ofs-delta, sideband-all, want &lt;oid&gt;,
 *           deepen &lt;n&gt;, filter &lt;spec&gt;, done  0000  (end of body)
 *     with deepen &lt;n&gt; also: shallow &lt;oid&gt;, have &lt;oid&gt; (then done may be missing)
 * v0  want &lt;oid&gt; &lt;capabilities&gt;  want &lt;oid&gt;...  deepen &lt;n&gt;  filter &lt;spec&gt;
 *     0000  done  (end of body)
 * </pre>
 *
 * The normal form keeps everything that can change the response: the protocol parameters, every
 * capability and argument (sorted, since order does not matter to upload-pack), the wants and
 * the client's shallow commits (sorted, as upload-pack keeps each in a set), the haves in the
 * order sent, duplicates kept (upload-pack acknowledges them in that order, one {@code ACK} per
 * line), and whether {@code done} came. Only {@code agent=} and {@code session-id=} are dropped:
 * they name the client and the session, and upload-pack answers the same whatever they say.
 *
 * <p>What the answer to a shallow fetch depends on, from JGit's {@code UploadPack.fetchV2}
 * ({@code computeShallowsAndUnshallows}, {@code verifyClientShallow}, {@code processHaveLines},
 * {@code okToGiveUp}, {@code sendPack} with a {@code DepthWalk} and
 * {@code PackWriter.setShallowPack}): the wants, the depth, the capabilities, the commit graph
 * below the wants (fixed by their ids), which haves and shallow ids name objects the mirror has
 * (an unknown shallow id is dropped, an unknown have is not acknowledged), and the tags
 * ({@code include-tag}). All of that is fixed by the request and the refs only if every have
 * and shallow id is an advertised id: {@link #clientObjects} is checked against the refs like
 * the wants, and the refs are part of the key.
 *
 * <p>Anything else is left to upload-pack without a cache: a {@code have} or client
 * {@code shallow} line without {@code deepen} (an ordinary incremental fetch), {@code want-ref}
 * (names, not ids, so the wants could not be checked against the refs), {@code packfile-uris},
 * {@code deepen-since}, {@code deepen-not}, {@code deepen-relative}, {@code wait-for-done}, more
 * than one {@code deepen} (the last one counts, and sorting would lose which), any command but
 * {@code fetch}, a request without {@code done} (unless it has haves), lines not listed above,
 * v0's {@code shallow} and {@code have} lines, and malformed pkt-lines. Immutable.
 */
final class PackRequest {
  private static final Pattern OID = Pattern.compile("[0-9a-f]{40}");
  private static final Pattern DEPTH = Pattern.compile("deepen [1-9][0-9]{0,9}");
  private static final List<String> V2_FLAGS = List.of("thin-pack", "no-progress",
      "include-tag", "ofs-delta", "sideband-all");

  private final boolean v2;
  private final String command;
  private final List<String> protocol;
  private final List<ObjectId> wants;
  private final List<String> lines;
  private final List<ObjectId> shallows;
  private final List<ObjectId> haves;
  private final boolean done;

  private PackRequest(boolean v2, String command, List<String> protocol, TreeSet<String> wants,
      List<String> lines) {
    this(v2, command, protocol, wants, lines, new TreeSet<>(), List.of(), true);
  }

  private PackRequest(boolean v2, String command, List<String> protocol, TreeSet<String> wants,
      List<String> lines, TreeSet<String> shallows, List<String> haves, boolean done) {
    this.v2 = v2;
    this.command = command;
    this.protocol = List.copyOf(new TreeSet<>(protocol));
    this.wants = wants.stream().map(ObjectId::fromString).toList();
    this.lines = lines.stream().sorted().toList();
    this.shallows = shallows.stream().map(ObjectId::fromString).toList();
    this.haves = haves.stream().map(ObjectId::fromString).toList();
    this.done = done;
  }

  /**
   * The normal form of {@code body}, or empty when it is not a request the cache may answer.
   *
   * @param body the whole request body, already decompressed
   * @param protocolParameters the {@code Git-Protocol} parameters ({@code [version=2]}), which
   *     decide the protocol just as they do for upload-pack
   */
  public static Optional<PackRequest> parse(byte[] body, int length,
      List<String> protocolParameters) {
    try {
      PktLines in = new PktLines(body, length);
      return protocolParameters.contains("version=2") ? v2(in, protocolParameters)
          : v0(in, protocolParameters);
    } catch (Malformed e) {
      return Optional.empty();
    }
  }

  private static Optional<PackRequest> v2(PktLines in, List<String> protocol) throws Malformed {
    String command = in.next();
    boolean lsRefs = "command=ls-refs".equals(command);
    if (!lsRefs && !"command=fetch".equals(command)) {
      return Optional.empty();
    }
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = in.next()) != PktLines.DELIM) {
      if (line == PktLines.FLUSH) {
        // no arguments: a listing of every ref, or a fetch without wants
        return lsRefs && in.atEnd()
            ? Optional.of(new PackRequest(true, "ls-refs", protocol, new TreeSet<>(), lines))
            : Optional.empty();
      }
      if (line.startsWith("agent=") || line.startsWith("session-id=")) {
        continue;
      }
      if (!line.startsWith("object-format=") && !line.startsWith("server-option=")) {
        return Optional.empty();
      }
      lines.add("capability " + line);
    }
    if (lsRefs) {
      return lsRefsArguments(in, protocol, lines);
    }
    TreeSet<String> wants = new TreeSet<>();
    TreeSet<String> shallows = new TreeSet<>();
    List<String> haves = new ArrayList<>();
    boolean done = false;
    int deepen = 0;
    while ((line = in.next()) != PktLines.FLUSH) {
      if (line == PktLines.DELIM) {
        return Optional.empty();
      } else if (line.startsWith("want ") && OID.matcher(line.substring(5)).matches()) {
        wants.add(line.substring(5));
      } else if (line.startsWith("have ") && OID.matcher(line.substring(5)).matches()) {
        haves.add(line.substring(5));
      } else if (line.startsWith("shallow ") && OID.matcher(line.substring(8)).matches()) {
        shallows.add(line.substring(8));
      } else if (line.equals("done")) {
        done = true;
      } else if (DEPTH.matcher(line).matches()) {
        deepen++;
        lines.add(line);
      } else if (V2_FLAGS.contains(line) || line.startsWith("filter ") && line.length() > 7) {
        lines.add(line);
      } else {
        return Optional.empty();
      }
    }
    boolean clientState = !haves.isEmpty() || !shallows.isEmpty();
    if (deepen > 1 || clientState && deepen == 0 || !done && haves.isEmpty()) {
      return Optional.empty();
    }
    return wants.size() > 0 && in.atEnd()
        ? Optional.of(new PackRequest(true, "fetch", protocol, wants, lines, shallows, haves,
            done))
        : Optional.empty();
  }

  private static Optional<PackRequest> lsRefsArguments(PktLines in, List<String> protocol,
      List<String> lines) throws Malformed {
    String line;
    while ((line = in.next()) != PktLines.FLUSH) {
      if (line.equals("peel") || line.equals("symrefs") || line.equals("unborn")
          || line.startsWith("ref-prefix ") && line.length() > 11) {
        lines.add(line);
      } else {
        return Optional.empty();
      }
    }
    return in.atEnd() ? Optional.of(new PackRequest(true, "ls-refs", protocol, new TreeSet<>(),
        lines.stream().distinct().toList())) : Optional.empty();
  }

  private static Optional<PackRequest> v0(PktLines in, List<String> protocol) throws Malformed {
    TreeSet<String> wants = new TreeSet<>();
    List<String> lines = new ArrayList<>();
    String line = in.next();
    if (line == PktLines.FLUSH || line == PktLines.DELIM || !line.startsWith("want ")) {
      return Optional.empty();
    }
    // the first want carries the capabilities: "want <oid> multi_ack_detailed side-band-64k ..."
    String[] first = line.split(" ", -1);
    if (first.length < 2 || !OID.matcher(first[1]).matches()) {
      return Optional.empty();
    }
    wants.add(first[1]);
    for (int i = 2; i < first.length; i++) {
      String cap = first[i];
      if (cap.isEmpty()) {
        return Optional.empty();
      }
      if (!cap.startsWith("agent=") && !cap.startsWith("session-id=")) {
        lines.add("capability " + cap);
      }
    }
    int deepen = 0;
    while ((line = in.next()) != PktLines.FLUSH) {
      if (line == PktLines.DELIM) {
        return Optional.empty();
      } else if (line.startsWith("want ") && OID.matcher(line.substring(5)).matches()) {
        wants.add(line.substring(5));
      } else if (DEPTH.matcher(line).matches() && ++deepen == 1
          || line.startsWith("filter ") && line.length() > 7) {
        lines.add(line);
      } else {
        return Optional.empty();
      }
    }
    return "done".equals(in.next()) && in.atEnd()
        ? Optional.of(new PackRequest(false, "fetch", protocol, wants, lines))
        : Optional.empty();
  }

  /** Whether this is a protocol v2 request. */
  public boolean v2() {
    return v2;
  }

  /** Whether this asks for a pack ({@code fetch}, or v0's wants), not a ref listing. */
  public boolean fetch() {
    return command.equals("fetch");
  }

  /** The wanted object ids, sorted, without duplicates. */
  public List<ObjectId> wants() {
    return wants;
  }

  /**
   * The ids the client says it has: its shallow commits, then its haves. Each must be an
   * advertised id for the response to be fixed by the refs (see the class comment).
   */
  public List<ObjectId> clientObjects() {
    List<ObjectId> all = new ArrayList<>(shallows);
    all.addAll(haves);
    return all;
  }

  /** Whether this carries the client's shallow commits or haves (a shallow fetch's follow-up). */
  public boolean carriesClientState() {
    return !shallows.isEmpty() || !haves.isEmpty();
  }

  /**
   * The normal form as text, one item a line: the protocol version, command and parameters,
   * then capabilities, wants and arguments, each group sorted; then the client's shallow
   * commits (sorted), its haves (in the order sent) and, when {@code done} did not come, a line
   * saying so. A request without shallow lines and haves has the form it had before these were
   * accepted, so stored entries keep their keys.
   */
  public String normalForm() {
    StringBuilder b = new StringBuilder(v2 ? "version 2\n" : "version 0\n");
    b.append("command ").append(command).append('\n');
    b.append("protocol ").append(String.join(":", protocol)).append('\n');
    wants.forEach(w -> b.append("want ").append(w.name()).append('\n'));
    lines.forEach(l -> b.append(l).append('\n'));
    shallows.forEach(id -> b.append("shallow ").append(id.name()).append('\n'));
    haves.forEach(id -> b.append("have ").append(id.name()).append('\n'));
    if (!done) {
      b.append("without done\n");
    }
    return b.toString();
  }

  /** Adds the normal form to a digest; what a cache key is made of. */
  void digestInto(MessageDigest md) {
    // ISO-8859-1 maps every byte of the request back to itself: no two requests share a form
    md.update(normalForm().getBytes(StandardCharsets.ISO_8859_1));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PackRequest r && r.normalForm().equals(normalForm());
  }

  @Override
  public int hashCode() {
    return normalForm().hashCode();
  }

  @Override
  public String toString() {
    return normalForm();
  }

  private static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed() {
      super(null, null, false, false);
    }
  }

  /**
   * pkt-lines from a byte array: four hex digits of length (counting themselves) and the payload,
   * {@code 0000} flush and {@code 0001} delimiter; one trailing LF of a payload is dropped, as
   * upload-pack's {@code PacketLineIn.readString} does.
   */
  private static final class PktLines {
    static final String FLUSH = new String("0000");
    static final String DELIM = new String("0001");
    private static final int MAX = 65520;

    private final byte[] buf;
    private final int end;
    private int pos;

    PktLines(byte[] buf, int end) {
      this.buf = buf;
      this.end = end;
    }

    /** The next payload, or the {@link #FLUSH} or {@link #DELIM} instance. */
    String next() throws Malformed {
      if (end - pos < 4) {
        throw new Malformed();
      }
      int len = 0;
      for (int i = 0; i < 4; i++) {
        int c = buf[pos + i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) {
          throw new Malformed(); // git writes lower-case hex; anything else goes to upload-pack
        }
        len = len << 4 | d;
      }
      if (len == 0 || len == 1) {
        pos += 4;
        return len == 0 ? FLUSH : DELIM;
      }
      if (len < 5 || len > MAX || end - pos < len) {
        throw new Malformed(); // 0002 (response end), 0003, 0004 (empty) and truncated lines
      }
      int n = len - 4;
      if (buf[pos + len - 1] == '\n') {
        n--;
      }
      String s = new String(buf, pos + 4, n, StandardCharsets.ISO_8859_1);
      pos += len;
      return s;
    }

    boolean atEnd() {
      return pos == end;
    }
  }
}
