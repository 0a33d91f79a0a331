package io.gitedge.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ref states a repository was seen in, in the order seen, as the oracle for "a reader sees
 * one consistent state": a mirror's or a clone's refs must equal (or, for a single-branch or
 * shallow clone, lie within) one recorded state, never a mix of two and never a state that was
 * not there; and a reader that looks again must not see the refs go back to an earlier state.
 *
 * <p>A state is a map from full ref name ({@code refs/heads/main}, {@code refs/tags/v1.0.0}) to
 * object id, as {@code git for-each-ref} or {@code git ls-remote} print them; {@code HEAD} and
 * peeled {@code ^{}} lines are left out. Record every state the writer produces (after each push
 * to a {@link TestUpstream}: {@code observe(upstream.refs(repo))}): a state not recorded makes a
 * reader that saw it fail. Thread-safe; recorded states are immutable.
 *
 * <pre>{@code
 * RefSnapshots states = new RefSnapshots("upstream acme/lib");
 * states.observe(upstream.refs("acme/lib"));            // after every push
 * ...
 * states.assertEqualsSome("R07: clone 3", RefSnapshots.ofClone(client.git(clone,
 *     "for-each-ref", RefSnapshots.FORMAT).assertOk().stdout()));
 * }</pre>
 */
public final class RefSnapshots {
  /** The {@code for-each-ref} format {@link #parse} reads ({@code <id> <name>} per line). */
  public static final String FORMAT = "--format=%(objectname) %(refname)";

  private final String what;
  private final List<Map<String, String>> states = new ArrayList<>();

  /** @param what the repository and the writer whose states these are, for messages */
  public RefSnapshots(String what) {
    this.what = what;
  }

  /** Records {@code refs} as a state seen now (a repeat of the latest state is not recorded). */
  public synchronized Map<String, String> observe(Map<String, String> refs) {
    Map<String, String> state = Map.copyOf(new TreeMap<>(refs));
    if (states.isEmpty() || !states.get(states.size() - 1).equals(state)) {
      states.add(state);
    }
    return state;
  }

  /** The states recorded so far, oldest first. */
  public synchronized List<Map<String, String>> states() {
    return List.copyOf(states);
  }

  /** How many distinct consecutive states were recorded. */
  public synchronized int size() {
    return states.size();
  }

  /**
   * Fails unless {@code refs} equal one recorded state exactly (every branch and tag, no more).
   *
   * @param reader who saw {@code refs}, starting with the row id: {@code "R07: clone 3"}
   */
  public void assertEqualsSome(String reader, Map<String, String> refs) {
    if (indexOf(refs, 0, true) < 0) {
      throw new AssertionError(reader + " saw refs that " + what + " never had (a mix of two"
          + " states or an invented one): " + closest(refs));
    }
  }

  /**
   * Fails unless every ref in {@code refs} has the same id in one recorded state: for a clone
   * that took only some refs ({@code --depth}, {@code --single-branch}).
   */
  public void assertWithinSome(String reader, Map<String, String> refs) {
    if (refs.isEmpty() || indexOf(refs, 0, false) < 0) {
      throw new AssertionError(reader + " saw refs that match no state of " + what + ": "
          + closest(refs));
    }
  }

  /**
   * Fails unless the states a reader saw one after the other ({@code seenInOrder}, each equal to
   * a recorded state) follow the recorded order: the reader never saw refs invented or go back.
   */
  public void assertNoRewind(String reader, List<Map<String, String>> seenInOrder) {
    int at = 0;
    for (int i = 0; i < seenInOrder.size(); i++) {
      Map<String, String> seen = seenInOrder.get(i);
      int found = indexOf(seen, at, true);
      if (found < 0) {
        boolean everRecorded = indexOf(seen, 0, true) >= 0;
        throw new AssertionError(reader + ": look " + (i + 1) + " of " + seenInOrder.size()
            + (everRecorded ? " went back to an earlier state of " + what + " (refs rewound)"
                : " saw a state " + what + " never had")
            + ": " + closest(seen));
      }
      at = found;
    }
  }

  /**
   * The first recorded index at or after {@code from} whose state equals {@code refs}
   * ({@code exact}) or holds every ref of it with the same id, or -1. Taking the earliest match
   * is what makes {@link #assertNoRewind} exact: if any order-keeping assignment exists, the
   * earliest-match one does.
   */
  private synchronized int indexOf(Map<String, String> refs, int from, boolean exact) {
    for (int i = from; i < states.size(); i++) {
      Map<String, String> s = states.get(i);
      boolean match = exact ? s.equals(refs)
          : refs.entrySet().stream().allMatch(e -> e.getValue().equals(s.get(e.getKey())));
      if (match) {
        return i;
      }
    }
    return -1;
  }

  /** The recorded state nearest to {@code refs}, as the refs that differ. */
  private synchronized String closest(Map<String, String> refs) {
    if (states.isEmpty()) {
      return "no state was recorded at all; refs seen: " + new TreeMap<>(refs);
    }
    int best = 0;
    List<String> bestDiff = null;
    for (int i = 0; i < states.size(); i++) {
      List<String> diff = diff(states.get(i), refs);
      if (bestDiff == null || diff.size() <= bestDiff.size()) {
        best = i;
        bestDiff = diff;
      }
    }
    return "nearest is state " + (best + 1) + " of " + states.size() + ", which differs in "
        + bestDiff;
  }

  private static List<String> diff(Map<String, String> state, Map<String, String> seen) {
    List<String> d = new ArrayList<>();
    new TreeMap<>(state).forEach((ref, id) -> {
      String other = seen.get(ref);
      if (!id.equals(other)) {
        d.add(ref + " recorded " + abbrev(id) + " seen " + abbrev(other));
      }
    });
    new TreeMap<>(seen).forEach((ref, id) -> {
      if (!state.containsKey(ref)) {
        d.add(ref + " recorded <none> seen " + abbrev(id));
      }
    });
    return d;
  }

  private static String abbrev(String id) {
    return id == null ? "<none>" : id.substring(0, Math.min(12, id.length()));
  }

  /**
   * Reads {@code git ls-remote} output or {@code git for-each-ref} output in {@link #FORMAT}: one
   * {@code <id> <name>} per line. Leaves out {@code HEAD}, peeled {@code ^{}} lines and
   * anything outside {@code refs/heads/} and {@code refs/tags/}.
   */
  public static Map<String, String> parse(String output) {
    Map<String, String> refs = new TreeMap<>();
    for (String line : output.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 2 && (f[1].startsWith("refs/heads/") || f[1].startsWith("refs/tags/"))
          && !f[1].endsWith("^{}")) {
        refs.put(f[1], f[0]);
      }
    }
    return Map.copyOf(refs);
  }

  /**
   * Reads {@code git for-each-ref} output ({@link #FORMAT}) of a clone as the refs of the
   * repository it was cloned from: {@code refs/remotes/origin/X} is {@code refs/heads/X},
   * tags stay, local branches and {@code origin/HEAD} are left out.
   */
  public static Map<String, String> ofClone(String output) {
    Map<String, String> refs = new TreeMap<>();
    for (String line : output.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length != 2) {
        continue;
      }
      if (f[1].startsWith("refs/remotes/origin/") && !f[1].equals("refs/remotes/origin/HEAD")) {
        refs.put("refs/heads/" + f[1].substring("refs/remotes/origin/".length()), f[0]);
      } else if (f[1].startsWith("refs/tags/")) {
        refs.put(f[1], f[0]);
      }
    }
    return Map.copyOf(refs);
  }
}
