/**
 * Go modules read straight out of a Git repository by the go command's own rules, so that a
 * module proxy answering from a mirror gives the bytes and {@code h1:} hashes direct mode computes.
 *
 * <ul>
 *   <li>{@link io.gitedge.goproxy.ProxyRequest}: one request of the module proxy protocol
 *       ({@code <module>/@v/list}, {@code .info}, {@code .mod}, {@code .zip}, {@code @latest}),
 *       case-decoded and checked.
 *   <li>{@link io.gitedge.goproxy.ModuleRepo}: one module in one repository, as
 *       {@code cmd/go/internal/modfetch/coderepo.go} reads it: tagged versions, pseudo-versions,
 *       branches and commits, {@code +incompatible}, major versions in a subdirectory or on a
 *       branch, {@code go.mod} (synthesized when absent) and the files of the module zip.
 *   <li>{@link io.gitedge.goproxy.ModuleZip}: the zip and its {@code h1:} hash by the rules of
 *       {@code golang.org/x/mod/zip} (which files are kept, paths, size limits, the
 *       {@code vendor} rules that changed with go 1.24).
 *   <li>{@link io.gitedge.goproxy.Semver}, {@link io.gitedge.goproxy.ModulePath},
 *       {@link io.gitedge.goproxy.PseudoVersion}: {@code golang.org/x/mod}'s {@code semver} and
 *       {@code module} packages.
 * </ul>
 *
 * <p>Knows JGit and nothing else of GitEdge: who may read what, and where the repository comes
 * from, is the caller's business. Every refusal is a {@link io.gitedge.goproxy.GoModuleException}.
 */
package io.gitedge.goproxy;
