package io.gitedge.gateway.fleet;

import io.gitedge.gateway.fleet.Ancestry.Relation;
import io.gitedge.gateway.fleet.Finding.Kind;
import io.gitedge.store.MirrorPolicy.TagPolicy;
import io.gitedge.store.MirrorRefs;
import io.gitedge.sync.MirrorAge;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.eclipse.jgit.lib.Constants;

/**
 * Lag or divergence: what the differences between one mirror in two regions (or a mirror and its
 * upstream) mean. Pure: values in, findings out, no I/O (what a repository knows of two commits
 * comes in as an {@link Ancestry}). Stateless and thread-safe.
 *
 * <h2>Two regions ("here" compares itself with "there")</h2>
 *
 * Every region fetches the same upstream, so almost every difference is <b>lag</b>: one region
 * synced more recently than the other, and the next sync heals it. <b>Divergence</b> is kept
 * for what syncing never heals.
 *
 * <ul>
 *   <li>The same refs digest: {@link Kind#LEVEL}, no single ref is looked at.
 *   <li>The mirror missing on a side (not served there, or its first sync not done):
 *       {@link Kind#MISSING}, with both digests. (A region that mirrors on demand simply has
 *       not been asked for it yet; that is still reported, as its own kind.)
 *   <li>A <b>tag</b> on different objects: {@link Kind#DIVERGED}. The same version names
 *       different code; with immutable tags no sync changes either side.
 *   <li>A tag on one side only: the side without it is behind (it has not synced since the tag
 *       was made). A tag deleted upstream and kept by an older region looks the same; keeping it
 *       simple, a missing tag is lag.
 *   <li>A <b>branch</b> on different commits is always lag; the question is only which side is
 *       behind:
 *       <ol>
 *         <li>when here's repository holds both commits and one is an ancestor of the other
 *             ({@code RevWalk.isMergedInto}), the side with the ancestor is behind;
 *         <li>otherwise (there's commit is not here yet, the commits are unrelated because the
 *             branch was force-pushed and one side has not synced since, or nothing can be
 *             looked at), the side whose last successful sync is older is behind: it saw the
 *             upstream earlier. Regions' clocks are assumed to agree within a sync interval;
 *         <li>when neither tells (equal or unknown sync times), the side that lacks the other's
 *             commit is behind, and failing that, there.
 *       </ol>
 *       A branch reset upstream to an ancestor of where it was can thus show the wrong side as
 *       behind until both synced; it is lag either way, and never divergence.
 *   <li>A branch on one side only: the side whose last sync is older is behind (a new branch
 *       it has not fetched, or a deleted one it still has); with equal or unknown times, the
 *       side without it.
 *   <li>Besides the refs, whatever they say: a <b>Go module version</b> whose zip both regions'
 *       proxies built, with different {@code h1:} hashes, is {@link Kind#DIVERGED} (ref
 *       {@code go:<module>@<version>}). A {@code go.sum} written through one region then fails
 *       in the other, and no sync rebuilds a zip. A version built in one region only is nothing:
 *       zips are built on request.
 * </ul>
 *
 * <h2>A region against its upstream</h2>
 *
 * The upstream is the truth, so every difference is the region being behind
 * ({@link Kind#BEHIND}), except a tag the upstream moved or deleted while the region keeps it
 * under {@code tags: immutable}: that is a {@link Kind#CONFLICT}, the expected and recorded
 * outcome of immutable tags, not divergence. (Under {@code tags: follow} it is lag.)
 */
public final class FleetComparison {
  /** How a Go module version is named as a finding's ref: {@code go:<module>@<version>}. */
  public static final String GO = "go:";

  private FleetComparison() {}

  /**
   * One mirror, here against there: one {@link Kind#LEVEL} or {@link Kind#MISSING} finding, or one
   * finding per differing ref; then one {@link Kind#DIVERGED} finding per Go module version
   * whose zip hashes differ. Nothing when neither side serves the mirror.
   *
   * @param ancestry what here's repository knows of branch commits ({@link Ancestry#NONE} when
   *     comparing from outside)
   */
  public static List<Finding> compare(MirrorView here, MirrorView there, Ancestry ancestry) {
    if (!here.listed() && !there.listed()) {
      return List.of();
    }
    List<Finding> out = new ArrayList<>(refFindings(here, there, ancestry));
    out.addAll(goModules(here, there));
    return out;
  }

  /** The refs of one mirror, here against there. */
  private static List<Finding> refFindings(MirrorView here, MirrorView there,
      Ancestry ancestry) {
    String h = here.region();
    String t = there.region();
    if (!here.created() || !there.created()) {
      return List.of(missing(here, there));
    }
    if (here.digest().equals(there.digest())) {
      return List.of(new Finding(t, Kind.LEVEL, Optional.empty(), here.digest(), there.digest(),
          t + " is level with " + h + " (" + refs(here.refs().get()) + ")"));
    }
    Map<String, String> hs = here.refs().get().ids();
    Map<String, String> ts = there.refs().get().ids();
    List<Finding> out = new ArrayList<>();
    for (String ref : union(hs, ts)) {
      String hid = hs.get(ref);
      String tid = ts.get(ref);
      if (hid != null && hid.equals(tid)) {
        continue;
      }
      out.add(ref.startsWith(Constants.R_TAGS) ? tag(here, there, ref, hid, tid)
          : branch(here, there, ref, hid, tid, ancestry));
    }
    return out;
  }

  /**
   * One region's mirror against what its upstream lists now: {@link Kind#LEVEL},
   * {@link Kind#MISSING}, or per differing ref {@link Kind#BEHIND} or {@link Kind#CONFLICT}. In
   * the findings the upstream is "here".
   */
  public static List<Finding> compareWithUpstream(MirrorRefs upstream, MirrorView region) {
    String r = region.region();
    Optional<String> digest = Optional.of(upstream.digest());
    if (!region.created()) {
      return List.of(new Finding(r, Kind.MISSING, Optional.empty(), digest, Optional.empty(),
          absence(region) + "; the upstream has it (" + refs(upstream) + ")"));
    }
    if (digest.equals(region.digest())) {
      return List.of(new Finding(r, Kind.LEVEL, Optional.empty(), digest, region.digest(),
          r + " is level with the upstream (" + refs(upstream) + ")"));
    }
    Map<String, String> us = upstream.ids();
    Map<String, String> rs = region.refs().get().ids();
    List<Finding> out = new ArrayList<>();
    for (String ref : union(us, rs)) {
      String uid = us.get(ref);
      String rid = rs.get(ref);
      if (uid != null && uid.equals(rid)) {
        continue;
      }
      boolean tag = ref.startsWith(Constants.R_TAGS);
      String what;
      if (rid == null) {
        what = r + " lacks the " + (tag ? "tag" : "branch");
      } else if (uid == null) {
        what = "deleted upstream, " + r + " still has " + abbrev(rid);
      } else {
        what = "upstream " + abbrev(uid) + ", " + r + " " + abbrev(rid);
      }
      if (tag && rid != null && region.tags() == TagPolicy.IMMUTABLE) {
        out.add(new Finding(r, Kind.CONFLICT, Optional.of(ref), Optional.ofNullable(uid),
            Optional.of(rid), r + " keeps " + abbrev(rid) + ", the upstream "
                + (uid == null ? "deleted the tag" : "has " + abbrev(uid))
                + " (tags: immutable)"));
      } else {
        out.add(new Finding(r, Kind.BEHIND, Optional.of(ref), Optional.ofNullable(uid),
            Optional.ofNullable(rid), r + " is behind the upstream (" + what + "; "
                + synced(region) + ")"));
      }
    }
    return out;
  }

  /**
   * A {@link Kind#DIVERGED} finding per module version both sides built with different hashes,
   * in the byte order of {@code <module>@<version>}.
   */
  private static List<Finding> goModules(MirrorView here, MirrorView there) {
    List<Finding> out = new ArrayList<>();
    for (Map.Entry<String, String> m : here.goModules().entrySet()) {
      String hash = m.getValue();
      String other = there.goModules().get(m.getKey());
      if (other == null || other.equals(hash)) {
        continue;
      }
      out.add(new Finding(there.region(), Kind.DIVERGED, Optional.of(GO + m.getKey()),
          Optional.of(hash), Optional.of(other), "the module zip differs: " + here.region() + " "
              + hash + " " + there.region() + " " + other + " (a go.sum made through one region"
              + " is a checksum mismatch in the other)"));
    }
    return out;
  }

  /** What to report for every mirror when {@code region} could not be asked. */
  public static Finding unreachable(String region, String error) {
    return new Finding(region, Kind.UNREACHABLE, Optional.empty(), Optional.empty(),
        Optional.empty(), region + " could not be asked: " + error);
  }

  private static Finding missing(MirrorView here, MirrorView there) {
    String detail;
    if (!here.created() && !there.created()) {
      detail = absence(there) + "; " + absence(here) + " either";
    } else if (!there.created()) {
      detail = absence(there) + "; " + here.region() + " has it (" + refs(here.refs().get())
          + ")";
    } else {
      detail = absence(here) + "; " + there.region() + " has it ("
          + refs(there.refs().get()) + ")";
    }
    return new Finding(there.region(), Kind.MISSING, Optional.empty(), here.digest(),
        there.digest(), detail);
  }

  private static String absence(MirrorView v) {
    return v.listed() ? v.region() + " has not made it yet (no first sync)"
        : v.region() + " does not mirror it";
  }

  private static Finding tag(MirrorView here, MirrorView there, String ref, String hid,
      String tid) {
    if (hid != null && tid != null) {
      return new Finding(there.region(), Kind.DIVERGED, Optional.of(ref), Optional.of(hid),
          Optional.of(tid), here.region() + " " + abbrev(hid) + " " + there.region() + " "
              + abbrev(tid) + " (one tag, two objects: syncing will not change that)");
    }
    boolean thereBehind = tid == null;
    return behind(here, there, ref, hid, tid, thereBehind,
        (thereBehind ? there : here).region() + " lacks the tag");
  }

  private static Finding branch(MirrorView here, MirrorView there, String ref, String hid,
      String tid, Ancestry ancestry) {
    if (hid == null || tid == null) {
      Optional<Boolean> thereOlder = thereSyncedEarlier(here, there);
      boolean thereBehind = thereOlder.orElse(tid == null);
      MirrorView lacking = tid == null ? there : here;
      MirrorView having = tid == null ? here : there;
      String why = (thereBehind == (tid == null))
          ? lacking.region() + " lacks the branch"
          : having.region() + " still has a branch " + lacking.region() + " no longer has";
      return behind(here, there, ref, hid, tid, thereBehind,
          thereOlder.isPresent() ? why : why + "; the sync times do not tell");
    }
    Relation r = ancestry.relate(hid, tid);
    if (r == Relation.ANCESTOR) {
      return behind(here, there, ref, hid, tid, false,
          there.region() + "'s " + abbrev(tid) + " descends from " + here.region() + "'s "
              + abbrev(hid));
    }
    if (r == Relation.DESCENDANT) {
      return behind(here, there, ref, hid, tid, true,
          here.region() + "'s " + abbrev(hid) + " descends from " + there.region() + "'s "
              + abbrev(tid));
    }
    Optional<Boolean> thereOlder = thereSyncedEarlier(here, there);
    boolean thereBehind = thereOlder.orElse(r != Relation.LACKS_THERE);
    String why = switch (r) {
      case UNRELATED -> "not a fast-forward: a force push "
          + (thereBehind ? there : here).region() + " has not synced yet";
      case LACKS_THERE -> here.region() + " lacks " + abbrev(tid);
      default -> (thereBehind ? here : there).region() + " has "
          + abbrev(thereBehind ? hid : tid) + ", " + (thereBehind ? there : here).region() + " "
          + abbrev(thereBehind ? tid : hid);
    };
    return behind(here, there, ref, hid, tid, thereBehind,
        thereOlder.isPresent() ? why : why + "; the sync times do not tell");
  }

  private static Finding behind(MirrorView here, MirrorView there, String ref, String hid,
      String tid, boolean thereBehind, String why) {
    MirrorView late = thereBehind ? there : here;
    MirrorView ahead = thereBehind ? here : there;
    return new Finding(there.region(), thereBehind ? Kind.BEHIND : Kind.AHEAD, Optional.of(ref),
        Optional.ofNullable(hid), Optional.ofNullable(tid), late.region() + " is behind "
            + ahead.region() + " (" + why + "; " + synced(late) + ", " + ahead.region() + " "
            + ago(ahead) + ")");
  }

  /** Whether there's last success is older than here's; empty when the times do not tell. */
  private static Optional<Boolean> thereSyncedEarlier(MirrorView here, MirrorView there) {
    Optional<Instant> h = here.lastSuccess();
    Optional<Instant> t = there.lastSuccess();
    if (h.isPresent() && t.isPresent()) {
      int c = t.get().compareTo(h.get());
      return c == 0 ? Optional.empty() : Optional.of(c < 0);
    }
    if (h.isPresent() != t.isPresent()) {
      return Optional.of(t.isEmpty());
    }
    return Optional.empty();
  }

  private static String synced(MirrorView v) {
    return v.region() + " " + ago(v);
  }

  private static String ago(MirrorView v) {
    return v.ageSeconds().map(s -> "synced " + MirrorAge.format(Duration.ofSeconds(s)) + " ago")
        .orElse("never synced");
  }

  private static SortedSet<String> union(Map<String, String> a, Map<String, String> b) {
    SortedSet<String> names = new TreeSet<>(MirrorRefs.GIT_ORDER);
    names.addAll(a.keySet());
    names.addAll(b.keySet());
    return names;
  }

  private static String refs(MirrorRefs r) {
    return r.count() + (r.count() == 1 ? " ref" : " refs");
  }

  /** The first 7 hex digits, as git abbreviates. */
  static String abbrev(String id) {
    return id.length() > 7 ? id.substring(0, 7) : id;
  }
}
