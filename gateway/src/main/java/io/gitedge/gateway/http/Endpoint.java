package io.gitedge.gateway.http;

import io.gitedge.gateway.git.GatewayException;
import java.io.IOException;

/**
 * One kind of HTTPS endpoint ({@link Routes} says which requests reach it): answers a request and
 * returns the status it sent. A refusal is thrown as a {@link GatewayException}, which
 * {@link HttpErrorMapper} answers; the endpoint never writes an error itself.
 */
@FunctionalInterface
interface Endpoint {
  int serve(HttpCall call) throws IOException, GatewayException;
}
