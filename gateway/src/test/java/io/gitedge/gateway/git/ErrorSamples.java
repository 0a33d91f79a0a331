package io.gitedge.gateway.git;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * One instance of every {@link GatewayException} type, for the doors' mapping tests;
 * {@code ErrorSamplesTest} fails when a type is added without a sample here, so no door's test
 * can miss it.
 */
public final class ErrorSamples {
  /** One of each type, as the read path throws them. */
  public static List<GatewayException> all() {
    return List.of(
        new GatewayException.Unauthenticated(),
        new GatewayException.MirrorNotFound(),
        new GatewayException.ModuleNotFound("github.com/acme/lib@v9.9.9: unknown revision v9.9.9"),
        new GatewayException.ReadOnly("github.com/acme/lib", "https://github.com/acme/lib.git"),
        new GatewayException.Forbidden("gitedge: metrics are for members of the admins group"),
        new GatewayException.IdentityUnavailable(),
        new GatewayException.MirrorUnavailable("gitedge: the mirror of github.com/acme/lib is"
            + " not ready yet; try again shortly"),
        new GatewayException.Busy(),
        GatewayException.NotServed.command(),
        new GatewayException.BadRequest("gitedge: the request body is not valid gzip"),
        new GatewayException.MethodNotAllowed("POST", "gitedge: POST a webhook here"),
        new GatewayException.TooLarge("gitedge: webhook bodies are limited to 1 MiB"),
        new GatewayException.BadSignature("gitedge: webhook signature does not match"),
        new GatewayException.ClientGone(new IOException("Broken pipe")),
        new GatewayException.Internal(new IllegalStateException("a bug")));
  }

  /** Every type the sealed hierarchy permits. */
  public static Set<Class<?>> types() {
    return Set.of(GatewayException.class.getPermittedSubclasses());
  }

  private ErrorSamples() {}
}
