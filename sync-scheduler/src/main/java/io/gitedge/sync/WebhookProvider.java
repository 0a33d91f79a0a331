package io.gitedge.sync;

import java.util.Arrays;
import java.util.Optional;

/**
 * The Git hosts whose webhooks are understood, each at {@code POST /hooks/<path>}, with the header
 * that carries its signature (or token) and the one that names the delivery.
 */
public enum WebhookProvider {
  /** {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>}. */
  GITHUB("github", "x-github-delivery"),
  /** {@code X-Gitlab-Token: <the secret>}. */
  GITLAB("gitlab", "x-gitlab-event-uuid"),
  /** {@code X-Gitea-Signature: <hex HMAC-SHA256 of the body>}. */
  GITEA("gitea", "x-gitea-delivery"),
  /** {@code X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>} (Cloud and Data Center). */
  BITBUCKET("bitbucket", "x-request-uuid"),
  /**
   * Ours, for hosts or scripts of your own: {@code X-GitEdge-Signature: t=<unix seconds>,
   * v1=<hex HMAC-SHA256 of "<t>." followed by the body>}, accepted within 5 minutes of
   * {@code t}; optional {@code X-GitEdge-Delivery: <unique id>}.
   */
  GENERIC("generic", "x-gitedge-delivery");

  private final String path;
  private final String deliveryHeader;

  WebhookProvider(String path, String deliveryHeader) {
    this.path = path;
    this.deliveryHeader = deliveryHeader;
  }

  /** The last segment of its endpoint, {@code /hooks/<path>}. */
  public String path() {
    return path;
  }

  /** The (lower-case) header naming a delivery, for ignoring repeats. */
  String deliveryHeader() {
    return deliveryHeader;
  }

  /** The provider served at {@code /hooks/<path>}. */
  public static Optional<WebhookProvider> byPath(String path) {
    return Arrays.stream(values()).filter(p -> p.path.equals(path)).findFirst();
  }
}
