/**
 * The Go module proxy as a third door's service: {@link io.gitedge.gateway.goproxy.GoProxy}
 * turns a request under {@code /goproxy/} into an answer, with the read session deciding which
 * mirror holds the module and who may read it (as for git), the {@code goproxy} module reading
 * the module out of the mirror by the go command's rules, and its zip cache keeping built zips.
 * The HTTPS door's {@code GoProxyEndpoint} only sends the answer.
 */
package io.gitedge.gateway.goproxy;
