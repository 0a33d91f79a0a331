package io.gitedge.goproxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * One module in one Git repository, read by the rules of the go command's
 * {@code modfetch/coderepo.go}: the repository root is module path {@code repoPath}; the module
 * asked for is that path or one under it (a module in a subdirectory, tags {@code sub/v1.2.3}),
 * with a major version suffix kept in a {@code vN} subdirectory or on the repository's own
 * {@code go.mod} (a major branch). Reads the repository as it is at each call; thread-safe.
 *
 * <p>The repository is seen as the go command sees a remote in direct mode
 * ({@link GitHost}): its branches, tags and {@code HEAD}, and the history reachable from
 * branches and tags. Errors carry the go command's messages ({@code module.ModuleError}).
 */
public final class ModuleRepo {
  private static final DateTimeFormatter PSEUDO_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

  private final Repository repository;
  private final String modPath;
  private final String codeRoot;
  /** The module's directory in the repository, {@code ""} at the root. */
  private final String codeDir;
  /** The module path's major version suffix ({@code /v2}, {@code .v2}), {@code ""} for none. */
  private final String pathMajor;
  /** The module path without {@link #pathMajor} (all of it when it is the repository root). */
  private final String pathPrefix;
  /** The major version of pseudo-versions ({@code v2}), {@code ""} for v0. */
  private final String pseudoMajor;
  /** The prefix of the module's tags: {@code codeDir + "/"}, or {@code ""}. */
  private final String tagPrefix;
  /** The most commits one history walk may read ({@link GitHost#HISTORY_LIMIT}). */
  private final int historyLimit;

  private ModuleRepo(Repository repository, String codeRoot, String modPath, String pathPrefix,
      String pathMajor, String codeDir, int historyLimit) {
    this.repository = repository;
    this.historyLimit = historyLimit;
    this.codeRoot = codeRoot;
    this.modPath = modPath;
    this.pathPrefix = pathPrefix;
    this.pathMajor = pathMajor;
    this.pseudoMajor = VersionRules.pathMajorPrefix(pathMajor);
    this.codeDir = codeDir;
    this.tagPrefix = codeDir.isEmpty() ? "" : codeDir + "/";
  }

  /**
   * @param repository the repository (not closed by this)
   * @param repoPath the module path of the repository's root ({@code github.com/acme/lib})
   * @param modulePath the module asked for: {@code repoPath} or a path under it
   * @throws GoModuleException.Invalid when {@code modulePath} is no module path
   * @throws GoModuleException.NotFound when it does not lie under {@code repoPath}
   */
  public static ModuleRepo open(Repository repository, String repoPath, String modulePath)
      throws GoModuleException {
    // newCodeRepo
    ModulePath.check(modulePath);
    if (!VersionRules.hasPathPrefix(modulePath, repoPath)) {
      throw notInRepository(modulePath);
    }
    ModulePath.Split split = ModulePath.splitPathVersion(modulePath).orElseThrow(
        () -> new GoModuleException.Invalid("invalid module path " + quote(modulePath)));
    String pathPrefix = repoPath.equals(modulePath) ? modulePath : split.prefix();
    String codeDir = "";
    if (!repoPath.equals(modulePath)) {
      if (!VersionRules.hasPathPrefix(pathPrefix, repoPath)) {
        throw notInRepository(modulePath);
      }
      codeDir = trimSlashes(pathPrefix.substring(repoPath.length()));
    }
    return new ModuleRepo(repository, repoPath, modulePath, pathPrefix, split.pathMajor(),
        codeDir, GitHost.HISTORY_LIMIT);
  }

  /** The same module with history walks bounded by {@code limit} commits (for tests). */
  ModuleRepo withHistoryLimit(int limit) {
    return new ModuleRepo(repository, codeRoot, modPath, pathPrefix, pathMajor, codeDir, limit);
  }

  private static GoModuleException.NotFound notInRepository(String modulePath) {
    return new GoModuleException.NotFound("module " + modulePath + ": not found");
  }

  private static String trimSlashes(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && s.charAt(a) == '/') {
      a++;
    }
    while (b > a && s.charAt(b - 1) == '/') {
      b--;
    }
    return s.substring(a, b);
  }

  /** The module path asked for. */
  public String modulePath() {
    return modPath;
  }

  /** {@code @v/list}: the module's tagged versions, canonical, in semver order. */
  public List<String> versions() throws IOException {
    try (GitHost host = GitHost.open(repository, historyLimit)) {
      return versions(host);
    } catch (GoError e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * {@code @v/<query>.info}: a version, a pseudo-version, a branch, a tag or a commit hash
   * (prefix) resolved to its canonical version, as {@code go mod download module@query} does.
   *
   * <p>This is {@code codeRepo.Stat}, what a proxy's {@code .info} stands for: the query is a
   * Git revision (tag first, then branch, {@code HEAD}, then 7 to 40 lower-case hex digits of a
   * commit in the branches' and tags' history; a version names its tag). The go command
   * resolves its query language itself before asking a proxy: {@code v1.2} there means the
   * highest v1.2.x, {@code v1.0.0+meta} falls back to {@code v1.0.0}; here they are looked up
   * as tags. {@code latest} is the version of {@code HEAD}'s commit.
   *
   * @throws GoModuleException.NotFound when there is no such revision, or it is no version of
   *     this module (a pseudo-version that does not match its commit, a tag of another major)
   */
  public VersionInfo stat(String query) throws IOException, GoModuleException {
    try (GitHost host = GitHost.open(repository, historyLimit)) {
      return stat(host, query);
    } catch (GoError e) {
      throw e.toNotFound();
    }
  }

  /**
   * {@code @latest}: the highest release, else the highest prerelease, else the pseudo-version
   * of the default branch's tip.
   *
   * <p>As {@code go mod download module@latest} picks it: versions retracted by the go.mod of
   * the version this would pick ignoring retractions are skipped, and +incompatible versions
   * count only while the highest compatible version has no go.mod.
   */
  public VersionInfo latest() throws IOException, GoModuleException {
    try (GitHost host = GitHost.open(repository, historyLimit)) {
      return new LatestQuery(host).run();
    } catch (GoError e) {
      throw e.toNotFound();
    }
  }

  /**
   * A version named by {@code .mod} and {@code .zip} requests: only a canonical version (or a
   * valid pseudo-version) of this module is one.
   */
  public VersionInfo resolve(String version) throws IOException, GoModuleException {
    if (!Semver.isValid(version)) {
      throw new GoModuleException.Invalid(versionMessage(version, false, "syntax error"));
    }
    if (!version.equals(Semver.canonical(version))) {
      throw new GoModuleException.Invalid(
          modPath + "@" + version + ": version " + version + " is not canonical");
    }
    VersionInfo info = stat(version);
    if (!info.version().equals(version)) {
      throw new GoModuleException.NotFound(versionMessage(version,
          PseudoVersion.is(version), "resolves to version " + info.version()));
    }
    return info;
  }

  /** {@code .mod}: the version's go.mod, or {@code module <path>\n} when it has none. */
  public byte[] goMod(VersionInfo version) throws IOException, GoModuleException {
    try (GitHost host = GitHost.open(repository, historyLimit)) {
      return goMod(host, version.version(), version.commit());
    } catch (GoError e) {
      throw e.toNotFound();
    }
  }

  /**
   * The files of the version's zip, before {@link ModuleZip}'s rules: the module directory's
   * files at the commit (paths relative to it), plus the repository root's {@code LICENSE} when
   * the module lies in a subdirectory without one, as the go command adds it.
   */
  public List<ModuleFile> files(VersionInfo version) throws IOException, GoModuleException {
    try (GitHost host = GitHost.open(repository, historyLimit)) {
      ModuleDir dir = findDir(host, version.version(), version.commit());
      return ModuleTree.files(host, dir.commit(), dir.dir());
    } catch (GoError e) {
      throw e.toNotFound();
    }
  }

  // ---- Versions ----------------------------------------------------------------------------

  /** {@code codeRepo.Versions("")}, once per snapshot. */
  private List<String> versions(GitHost host) throws GoError, IOException {
    List<String> known = host.versionList(modPath);
    if (known == null) {
      known = listVersions(host);
      host.rememberVersionList(modPath, known);
    }
    return new ArrayList<>(known);
  }

  private List<String> listVersions(GitHost host) throws GoError, IOException {
    if (modPath.startsWith("gopkg.in/") && modPath.endsWith("-unstable")) {
      // gopkg.in/macaroon-bakery.v2-unstable has no tags of its own.
      return List.of();
    }
    List<String> list = new ArrayList<>();
    List<String> incompatible = new ArrayList<>();
    for (String tag : host.tags(tagPrefix)) {
      String v = tag.substring(tagPrefix.length());
      if (v.isEmpty() || !v.equals(Semver.canonicalSemver(v)) || PseudoVersion.is(v)) {
        // Non-canonical tags (v1.2, v1.0.0+meta) are no versions; nor are pseudo-versions.
        continue;
      }
      if (!ModulePath.matchPathMajor(v, pathMajor)) {
        if (codeDir.isEmpty() && pathMajor.isEmpty() && Semver.major(v).compareTo("v1") > 0) {
          incompatible.add(v);
        }
        continue;
      }
      list.add(v);
    }
    Semver.sort(list);
    Semver.sort(incompatible);
    return appendIncompatible(host, list, incompatible);
  }

  /**
   * {@code appendIncompatibleVersions}: v2+ tags of an unversioned root module become
   * {@code +incompatible} versions, unless the highest compatible version has a go.mod file (the
   * author opted into modules), and except for the majors whose highest tag has one.
   */
  private List<String> appendIncompatible(GitHost host, List<String> list,
      List<String> incompatible) throws GoError, IOException {
    if (incompatible.isEmpty() || !pathMajor.isEmpty()) {
      return list;
    }
    if (!list.isEmpty() && tagHasGoMod(host, list.get(list.size() - 1))) {
      return list;
    }
    String lastMajor = null;
    boolean lastMajorHasGoMod = false;
    for (int i = 0; i < incompatible.size(); i++) {
      String v = incompatible.get(i);
      String major = Semver.major(v);
      if (!major.equals(lastMajor)) {
        int j = i;
        while (j + 1 < incompatible.size() && Semver.major(incompatible.get(j + 1)).equals(major)) {
          j++;
        }
        lastMajor = major;
        lastMajorHasGoMod = tagHasGoMod(host, incompatible.get(j));
      }
      if (!lastMajorHasGoMod) {
        list.add(v + VersionRules.INCOMPATIBLE);
      }
    }
    return list;
  }

  /** Whether the root of the tree tagged {@code tag} has a go.mod file. */
  private boolean tagHasGoMod(GitHost host, String tag) throws GoError, IOException {
    GitHost.RevInfo info;
    try {
      info = host.stat(tag);
    } catch (GoError e) {
      throw GoError.other("module " + modPath + ": " + e.getMessage());
    }
    return host.hasFile(info.name(), "go.mod");
  }

  // ---- Stat and convert --------------------------------------------------------------------

  /** {@code codeRepo.Stat}. */
  private VersionInfo stat(GitHost host, String query) throws GoError, IOException {
    if (query.equals("latest")) {
      GitHost.RevInfo head;
      try {
        head = host.latest();
      } catch (GoError e) {
        throw e.withMessage("module " + modPath + ": " + e.getMessage());
      }
      return convert(host, head, "");
    }
    GitHost.RevInfo info;
    try {
      info = host.stat(revToRev(query));
    } catch (GoError e) {
      throw e.withMessage(versionMessage(query, false, e.getMessage()));
    }
    return new Conversion(host, info, query).run();
  }

  private VersionInfo convert(GitHost host, GitHost.RevInfo info, String statVers)
      throws GoError, IOException {
    return new Conversion(host, info, statVers).run();
  }

  /**
   * {@code codeRepo.convert}: what version of this module a revision is, given the query that
   * named it ({@code statVers}, {@code ""} for the latest commit): the query itself when it is a
   * (pseudo-)version that holds; else the highest allowed canonical tag on the commit; else a
   * pseudo-version above the highest allowed tag in its history.
   */
  private final class Conversion {
    private final GitHost host;
    private final GitHost.RevInfo info;
    private final String statVers;
    /** canUseIncompatible's findings: "" for the root go.mod, a major for its directory. */
    private final Map<String, Boolean> noGoMod = new HashMap<>();

    Conversion(GitHost host, GitHost.RevInfo info, String statVers) {
      this.host = host;
      this.info = info;
      this.statVers = statVers;
    }

    VersionInfo run() throws GoError, IOException {
      if (PseudoVersion.is(statVers)) {
        // Check the module's place and major first, then the (costlier) base tag.
        VersionInfo checked = checkCanonical(statVers);
        validatePseudoVersion(host, info, statVers);
        return checked;
      }
      Predicate<String> retracted = retractedVersions(host);

      // The VCS named a canonical tag of this module: use it if it checks out.
      TagVersion named = tagToVersion(info.version());
      if (named.canonical()) {
        try {
          return checkCanonical(named.version());
        } catch (GoError e) {
          // Fall through to the other tags and pseudo-versions.
        }
      }

      String highestCanonical = "";
      String pseudoBase = "";
      for (String tag : info.tags()) {
        TagVersion t = tagToVersion(tag);
        if (!statVers.isEmpty() && Semver.compare(t.version(), statVers) == 0) {
          if (t.canonical()) {
            // The canonical form of the version asked for (which had build metadata).
            return checkCanonical(t.version());
          }
          pseudoBase = t.version();
        }
        if (t.canonical() && Semver.compare(highestCanonical, t.version()) < 0
            && !retracted.test(t.version())) {
          if (ModulePath.matchPathMajor(t.version(), pathMajor)
              || canUseIncompatible(t.version())) {
            highestCanonical = t.version();
          }
        }
      }
      if (!highestCanonical.isEmpty()) {
        return checkCanonical(highestCanonical);
      }

      if (pseudoBase.isEmpty()) {
        String tag;
        try {
          tag = host.recentTag(info.name(), tagPrefix, t -> tagAllowed(t, retracted));
        } catch (UncheckedIOException e) {
          throw e.getCause();
        }
        if (!tag.isEmpty()) {
          pseudoBase = tagToVersion(tag).version();
        }
      }
      return checkCanonical(
          PseudoVersion.of(pseudoMajor, pseudoBase, info.time(), info.shortName()));
    }

    /** {@code tagAllowed}: a version tag of this module (or +incompatible), not retracted. */
    private boolean tagAllowed(String tag, Predicate<String> retracted) {
      try {
        String v = tagToVersion(tag).version();
        if (v.isEmpty()) {
          return false;
        }
        if (!ModulePath.matchPathMajor(v, pathMajor) && !canUseIncompatible(v)) {
          return false;
        }
        return !retracted.test(v);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * {@code canUseIncompatible}: a root module without a major suffix may take v2+ versions as
     * +incompatible when the commit has no go.mod, nor (unless +incompatible was asked for)
     * a {@code vN/go.mod} for that major.
     */
    private boolean canUseIncompatible(String v) throws IOException {
      if (!codeDir.isEmpty() || !pathMajor.isEmpty()) {
        return false;
      }
      if (!absent("", "go.mod")) {
        return false;
      }
      if (!v.isEmpty() && !statVers.endsWith(VersionRules.INCOMPATIBLE)) {
        String major = Semver.major(v);
        return absent(major, major + "/go.mod");
      }
      return true;
    }

    private boolean absent(String key, String path) throws IOException {
      Boolean known = noGoMod.get(key);
      if (known == null) {
        known = !host.hasFile(info.name(), path);
        noGoMod.put(key, known);
      }
      return known;
    }

    /**
     * {@code checkCanonical}: {@code v} is this module's version at the commit: its go.mod is
     * where and what it must be, and its major fits the module path (adding +incompatible where
     * allowed). A canonical query must come out as itself.
     */
    private VersionInfo checkCanonical(String v) throws GoError, IOException {
      try {
        findDir(host, v, null);
      } catch (GoError e) {
        throw GoError.notExist(versionMessage(v, false, e.getMessage()));
      }
      if (v.equals(VersionRules.trimIncompatible(statVers))) {
        v = statVers;
      }
      String base = VersionRules.trimIncompatible(v);
      GoError incompatibleError = null;
      if (!ModulePath.matchPathMajor(base, pathMajor)) {
        if (canUseIncompatible(base)) {
          v = base + VersionRules.INCOMPATIBLE;
        } else if (!pathMajor.isEmpty()) {
          incompatibleError = GoError.other(versionMessage(v, false,
              "module path includes a major version suffix, so major version must match"));
        } else {
          incompatibleError = GoError.other(versionMessage(v, false,
              "module contains a go.mod file, so module path must match major version ("
                  + quote(VersionRules.join(pathPrefix, Semver.major(v))) + ")"));
        }
      } else if (v.endsWith(VersionRules.INCOMPATIBLE)) {
        incompatibleError = GoError.other(versionMessage(v, false,
            "+incompatible suffix not allowed: major version " + Semver.major(v)
                + " is compatible"));
      }
      if (!statVers.isEmpty() && statVers.equals(Semver.canonical(statVers))) {
        String statBase = VersionRules.trimIncompatible(statVers);
        if (!statBase.equals(base)) {
          throw GoError.other(versionMessage(statVers, false,
              "resolves to version " + v + " (" + statBase + " is not a tag)"));
        }
      }
      if (incompatibleError != null) {
        throw incompatibleError;
      }
      return new VersionInfo(v, info.time(), info.name());
    }
  }

  /** A tag read as a version of this module: {@code ""} if none; canonical if written so. */
  private record TagVersion(String version, boolean canonical) {}

  /**
   * {@code tagToVersion}: the tag without the module's prefix, canonicalized; none for other
   * modules' tags, pseudo-version look-alikes and incomplete versions ({@code v1.2}).
   */
  private TagVersion tagToVersion(String tag) {
    if (!tag.startsWith(tagPrefix)) {
      return new TagVersion("", false);
    }
    String trimmed = tag.substring(tagPrefix.length());
    if (PseudoVersion.is(tag)) {
      return new TagVersion("", false);
    }
    String v = Semver.canonicalSemver(trimmed);
    if (v.isEmpty() || !trimmed.startsWith(v)) {
      return new TagVersion("", false);
    }
    return new TagVersion(v, v.equals(trimmed));
  }

  /**
   * {@code validatePseudoVersion}: the pseudo-version names the commit's short hash and time,
   * and its base version is a tag in the commit's history but not on the commit itself.
   */
  private void validatePseudoVersion(GitHost host, GitHost.RevInfo info, String version)
      throws GoError, IOException {
    String rev;
    Instant time;
    String base;
    try {
      rev = PseudoVersion.rev(version);
      time = PseudoVersion.time(version);
      base = PseudoVersion.base(VersionRules.trimIncompatible(version));
    } catch (GoModuleException.Invalid e) {
      throw pseudoError(version, "syntax error");
    }
    String shortName = info.shortName();
    if (!rev.equals(shortName)) {
      if (rev.startsWith(shortName)) {
        throw pseudoError(version, "revision is longer than canonical (expected "
            + shortName + ")");
      } else if (shortName.startsWith(rev)) {
        throw pseudoError(version, "revision is shorter than canonical (expected "
            + shortName + ")");
      }
      throw pseudoError(version, "does not match short name of revision (expected "
          + shortName + ")");
    }
    if (!time.equals(info.time().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))) {
      throw pseudoError(version, "does not match version-control timestamp (expected "
          + PSEUDO_TIME.format(info.time()) + ")");
    }
    if (base.isEmpty()) {
      if (pseudoMajor.isEmpty() && Semver.major(version).equals("v1")) {
        throw pseudoError(version, "major version without preceding tag must be v0, not v1");
      }
      return;
    }
    for (String tag : info.tags()) {
      if (trimPrefix(tag, tagPrefix).equals(base)) {
        throw pseudoError(version, "tag (" + tag + ") found on revision " + rev
            + " is already canonical, so should not be replaced with a pseudo-version derived"
            + " from that tag");
      }
    }
    List<String> equivalent = new ArrayList<>();
    Set<ObjectId> targets = new HashSet<>();
    for (String tag : host.tags(tagPrefix + base)) {
      if (Semver.compare(trimPrefix(tag, tagPrefix), base) == 0) {
        equivalent.add(tag);
        targets.add(host.tag(tag));
      }
    }
    if (equivalent.isEmpty()) {
      throw pseudoError(version, "preceding tag (" + base + ") not found");
    }
    Set<ObjectId> ancestors = host.reached(List.of(info.name()), targets);
    if (ancestors.isEmpty()) {
      throw pseudoError(version, "revision " + rev + " is not a descendent of preceding tag ("
          + equivalent.get(equivalent.size() - 1) + ")");
    }
  }

  private GoError pseudoError(String version, String message) {
    return GoError.other(versionMessage(version, true, message));
  }

  private static String trimPrefix(String s, String prefix) {
    return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
  }

  /** {@code revToRev}: the Git revision a query names (a version names its tag). */
  private String revToRev(String rev) {
    if (!Semver.isValid(rev)) {
      return rev;
    }
    if (PseudoVersion.is(rev)) {
      try {
        return PseudoVersion.rev(rev);
      } catch (GoModuleException.Invalid e) {
        return rev;
      }
    }
    if (VersionRules.INCOMPATIBLE.equals(Semver.build(rev))) {
      rev = VersionRules.trimIncompatible(rev);
    }
    return tagPrefix + rev;
  }

  // ---- Retractions -------------------------------------------------------------------------

  /**
   * {@code retractedVersions}: the versions the go.mod of the highest release (else the highest
   * prerelease) retracts; none when that cannot be read or parsed.
   */
  private Predicate<String> retractedVersions(GitHost host) throws IOException {
    List<String> versions;
    try {
      versions = versions(host);
    } catch (GoError e) {
      return v -> false;
    }
    int end = versions.size();
    for (int i = 0; i < versions.size(); i++) {
      if (versions.get(i).endsWith(VersionRules.INCOMPATIBLE)) {
        end = i;
        break;
      }
    }
    if (end == 0) {
      return v -> false;
    }
    String highest = versions.get(end - 1);
    for (int i = end - 1; i >= 0; i--) {
      if (Semver.prerelease(versions.get(i)).isEmpty()) {
        highest = versions.get(i);
        break;
      }
    }
    try {
      return retractedBy(goMod(host, highest, null));
    } catch (GoError e) {
      return v -> false;
    }
  }

  /** The versions a go.mod retracts. */
  private static Predicate<String> retractedBy(byte[] goMod) {
    List<GoModFile.Interval> intervals = GoModFile.retractions(goMod).orElse(List.of());
    return v -> intervals.stream().anyMatch(i -> i.contains(v));
  }

  // ---- go.mod and the module's directory ---------------------------------------------------

  /** {@code codeRepo.GoMod} for a checked version: its go.mod, else the legacy one. */
  private byte[] goMod(GitHost host, String version, ObjectId commit)
      throws GoError, IOException {
    ModuleDir dir = findDir(host, version, commit);
    return dir.goMod() != null ? dir.goMod() : GoModFile.legacy(modPath);
  }

  /**
   * Where a version of the module lies.
   *
   * @param rev the revision the version names (tag or short hash), for messages
   * @param commit the commit
   * @param dir the module's directory in the tree
   * @param goMod its go.mod, {@code null} for a root module without one
   */
  private record ModuleDir(String rev, ObjectId commit, String dir, byte[] goMod) {}

  /** A go.mod the go command would read; one past its size limit refuses the version. */
  private static Optional<byte[]> readGoMod(GitHost host, ObjectId commit, String file)
      throws GoError, IOException {
    try {
      return host.readFile(commit, file, ModuleZip.MAX_GO_MOD);
    } catch (GitHost.TooLarge e) {
      throw GoError.other(e.getMessage());
    }
  }

  /**
   * {@code findDir}: the module's directory at a version: {@code codeDir} (or the root) with a
   * go.mod declaring a fitting major, or for a {@code /vN} module {@code codeDir/vN} with one;
   * a root module v0/v1 needs no go.mod.
   *
   * @param commit the version's commit when already known, else {@code null} to resolve the
   *     revision the version names
   */
  private ModuleDir findDir(GitHost host, String version, ObjectId commit)
      throws GoError, IOException {
    if (!Semver.isValid(version)) {
      throw GoError.other(versionMessage(version, false, "syntax error"));
    }
    String rev = revToRev(version);
    String file1 = VersionRules.join(codeDir, "go.mod");
    if (commit == null) {
      try {
        commit = host.stat(rev).name();
      } catch (GoError e) {
        throw GoError.other("reading " + codeRoot + "/" + file1 + " at revision " + rev + ": "
            + e.getMessage());
      }
    }
    Optional<byte[]> goMod1 = readGoMod(host, commit, file1);
    String mpath1 = goMod1.map(GoModFile::modulePath).orElse("");
    boolean found1 = goMod1.isPresent()
        && (isMajor(mpath1, pathMajor) || canReplaceMismatchedVersionDueToBug(mpath1));

    String file2 = "";
    if (!pathMajor.isEmpty() && !codeRoot.equals(modPath) && !pathMajor.startsWith(".")) {
      // Either go.mod claims /vN and vN/go.mod does not exist, or vN/go.mod claims /vN.
      String dir2 = VersionRules.join(codeDir, pathMajor.substring(1));
      file2 = VersionRules.join(dir2, "go.mod");
      Optional<byte[]> goMod2 = readGoMod(host, commit, file2);
      String mpath2 = goMod2.map(GoModFile::modulePath).orElse("");
      boolean found2 = goMod2.isPresent() && isMajor(mpath2, pathMajor);
      if (found1 && found2) {
        throw GoError.other(pathPrefix + "/" + file1 + " and ..." + pathMajor
            + "/go.mod both have ..." + pathMajor + " module paths at revision " + rev);
      }
      if (found2) {
        return new ModuleDir(rev, commit, dir2, goMod2.get());
      }
      if (goMod2.isPresent()) {
        if (mpath2.isEmpty()) {
          throw GoError.other(codeRoot + "/" + file2 + " is missing module path at revision "
              + rev);
        }
        throw GoError.other(codeRoot + "/" + file2 + " has non-..." + pathMajor
            + " module path " + quote(mpath2) + " at revision " + rev);
      }
    }

    if (found1) {
      return new ModuleDir(rev, commit, codeDir, goMod1.get());
    }
    if (goMod1.isPresent()) {
      String suffix = file2.isEmpty() ? "" : " (and ..." + pathMajor + "/go.mod does not exist)";
      if (mpath1.isEmpty()) {
        throw GoError.other(file1 + " is missing module path" + suffix + " at revision " + rev);
      }
      if (!pathMajor.isEmpty()) {
        throw GoError.other(file1 + " has non-..." + pathMajor + " module path "
            + quote(mpath1) + suffix + " at revision " + rev);
      }
      if (ModulePath.splitPathVersion(mpath1).isEmpty()) {
        throw GoError.other(file1 + " has malformed module path " + quote(mpath1) + suffix
            + " at revision " + rev);
      }
      throw GoError.other(file1 + " has post-" + Semver.major(version) + " module path "
          + quote(mpath1) + suffix + " at revision " + rev);
    }
    if (codeDir.isEmpty() && (pathMajor.isEmpty() || pathMajor.startsWith("."))) {
      // An implicit go.mod at the repository root is fine for v0/v1 (and gopkg.in).
      return new ModuleDir(rev, commit, "", null);
    }
    if (!file2.isEmpty()) {
      throw GoError.other("missing " + pathPrefix + "/go.mod and ..." + pathMajor
          + "/go.mod at revision " + rev);
    }
    throw GoError.other("missing " + pathPrefix + "/go.mod at revision " + rev);
  }

  /** {@code isMajor}: whether a go.mod's module path allows the majors {@code pathMajor} does. */
  private static boolean isMajor(String mpath, String pathMajor) {
    if (mpath.isEmpty()) {
      return false;
    }
    Optional<ModulePath.Split> split = ModulePath.splitPathVersion(mpath);
    if (split.isEmpty()) {
      return false;
    }
    String mpathMajor = split.get().pathMajor();
    if (pathMajor.isEmpty()) {
      String m = VersionRules.pathMajorPrefix(mpathMajor);
      return m.isEmpty() || m.equals("v0") || m.equals("v1");
    }
    if (mpathMajor.isEmpty()) {
      return false;
    }
    return pathMajor.substring(1).equals(mpathMajor.substring(1));
  }

  /** golang.org/issue/34254: unversioned paths were once accepted for gopkg.in ones. */
  private boolean canReplaceMismatchedVersionDueToBug(String mpath) {
    return pathMajor.isEmpty() && mpath.startsWith("gopkg.in/");
  }

  // ---- Latest ------------------------------------------------------------------------------

  /**
   * {@code go mod download module@latest} ({@code modload.queryProxy} with the query
   * "latest"): the highest release that is not retracted, else the highest prerelease, else
   * the latest commit's version; +incompatible versions only while the highest compatible one
   * has no go.mod. Retractions are those of the go.mod of the version this would pick ignoring
   * retractions.
   */
  private final class LatestQuery {
    private final GitHost host;

    LatestQuery(GitHost host) {
      this.host = host;
    }

    VersionInfo run() throws GoError, IOException {
      List<String> list = versions(host);
      Predicate<String> retracted;
      try {
        VersionInfo ignoringRetractions = query(list, v -> true);
        retracted = retractedBy(
            goMod(host, ignoringRetractions.version(), ignoringRetractions.commit()));
      } catch (GoError e) {
        // checkRetractions fails: no version counts as retracted.
        retracted = v -> false;
      }
      return query(list, retracted.negate());
    }

    private VersionInfo query(List<String> list, Predicate<String> allowed)
        throws GoError, IOException {
      List<String> releases = new ArrayList<>();
      List<String> prereleases = new ArrayList<>();
      String lastCompatible = "";
      boolean needIncompatible = false;
      for (String v : list) {
        if (!allowed.test(v)) {
          continue;
        }
        if (!needIncompatible) {
          if (!v.endsWith(VersionRules.INCOMPATIBLE)) {
            lastCompatible = v;
          } else if (!lastCompatible.isEmpty()) {
            if (hasRealGoMod(lastCompatible)) {
              break;
            }
            needIncompatible = true;
          }
        }
        (Semver.prerelease(v).isEmpty() ? releases : prereleases).add(v);
      }
      if (!releases.isEmpty()) {
        return stat(host, releases.get(releases.size() - 1));
      }
      if (!prereleases.isEmpty()) {
        return stat(host, prereleases.get(prereleases.size() - 1));
      }
      VersionInfo latest;
      try {
        latest = convert(host, host.latest(), "");
      } catch (GoError e) {
        if (!e.isNotExist()) {
          throw e;
        }
        latest = null;
      }
      if (latest != null && allowed.test(latest.version())) {
        return stat(host, latest.version());
      }
      throw GoError.notExist("module " + modPath + ": no matching versions for query \"latest\"");
    }

    /** modload's {@code versionHasGoMod}: the version's go.mod is not the made-up one. */
    private boolean hasRealGoMod(String version) throws GoError, IOException {
      VersionInfo info = stat(host, version);
      return !Arrays.equals(goMod(host, info.version(), info.commit()),
          GoModFile.legacy(modPath));
    }
  }

  // ---- Messages ----------------------------------------------------------------------------

  /** {@code module.ModuleError} around {@code module.InvalidVersionError}. */
  private String versionMessage(String version, boolean pseudo, String message) {
    return modPath + "@" + version + ": invalid " + (pseudo ? "pseudo-version" : "version")
        + ": " + message;
  }

  /** Go's {@code %q} for the strings that appear in these messages. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
