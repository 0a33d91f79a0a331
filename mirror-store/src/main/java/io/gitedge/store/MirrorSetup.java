package io.gitedge.store;

import java.io.IOException;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The git config every mirror gets from this store. */
final class MirrorSetup {
  private static final Logger log = LoggerFactory.getLogger(MirrorSetup.class);

  private MirrorSetup() {}

  /** Mirrors are written only by this store: no reflogs, and no gc but {@link Repacker}'s. */
  static void configureNew(Repository repo) throws IOException {
    StoredConfig c = repo.getConfig();
    c.setBoolean(ConfigConstants.CONFIG_CORE_SECTION, null,
        ConfigConstants.CONFIG_KEY_LOGALLREFUPDATES, false);
    c.setInt(ConfigConstants.CONFIG_GC_SECTION, null, ConfigConstants.CONFIG_KEY_AUTO, 0);
    c.setInt(ConfigConstants.CONFIG_GC_SECTION, null, ConfigConstants.CONFIG_KEY_AUTOPACKLIMIT, 0);
    c.setBoolean(ConfigConstants.CONFIG_FETCH_SECTION, null, ConfigConstants.CONFIG_KEY_AUTOGC,
        false);
    c.setBoolean(ConfigConstants.CONFIG_RECEIVE_SECTION, null, ConfigConstants.CONFIG_KEY_AUTOGC,
        false);
    c.save();
    useCommitGraph(repo);
  }

  /**
   * Commit-graph on: {@link Repacker}'s gc writes one and JGit's walks (negotiation, reachability
   * checks of wants, shallow fetches) read generation numbers from it instead of parsing commits.
   * Set on mirrors made before GitEdge did this, too, the first time they are opened.
   */
  static void useCommitGraph(Repository repo) {
    StoredConfig c = repo.getConfig();
    if (c.getBoolean(ConfigConstants.CONFIG_CORE_SECTION, ConfigConstants.CONFIG_COMMIT_GRAPH,
        false) && c.getBoolean(ConfigConstants.CONFIG_GC_SECTION,
        ConfigConstants.CONFIG_KEY_WRITE_COMMIT_GRAPH, false)) {
      return;
    }
    c.setBoolean(ConfigConstants.CONFIG_CORE_SECTION, null, ConfigConstants.CONFIG_COMMIT_GRAPH,
        true);
    c.setBoolean(ConfigConstants.CONFIG_GC_SECTION, null,
        ConfigConstants.CONFIG_KEY_WRITE_COMMIT_GRAPH, true);
    try {
      c.save();
    } catch (IOException e) {
      // serving works without it, only slower; the next open tries again
      log.warn("cannot turn the commit-graph on in {}: {}", repo.getDirectory(), e.toString());
    }
  }
}
