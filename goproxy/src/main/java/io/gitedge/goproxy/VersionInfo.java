package io.gitedge.goproxy;

import java.time.Instant;
import org.eclipse.jgit.lib.ObjectId;

/**
 * A version of a module resolved in a repository: what {@code .info} answers, and the commit
 * its files come from.
 *
 * @param version the canonical version ({@code v1.2.3}, {@code v2.0.0+incompatible} or a
 *     pseudo-version)
 * @param time the commit's committer time
 * @param commit the commit
 */
public record VersionInfo(String version, Instant time, ObjectId commit) {
  /** The {@code .info} body: {@code {"Version":"v1.2.3","Time":"2019-01-02T03:04:05Z"}}. */
  public String json() {
    return "{\"Version\":\"" + version + "\",\"Time\":\"" + time + "\"}";
  }
}
