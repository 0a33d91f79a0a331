/**
 * Fixtures every module's tests share (test scope only): real upstreams
 * ({@link io.gitedge.testing.TestUpstream}, C git's {@link io.gitedge.testing.HttpBackendServer},
 * {@link io.gitedge.testing.OpenSshServer}), release trees of real Go modules from Debian's
 * source archive ({@link io.gitedge.testing.DebianSources}), a real Kafka broker for the
 * fleet's event bus ({@link io.gitedge.testing.KafkaBroker}), real clients with isolated homes
 * ({@link io.gitedge.testing.ClientHome}), a clock tests move forward
 * ({@link io.gitedge.testing.TestClock}), a TCP link with latency, bandwidth and partitions
 * ({@link io.gitedge.testing.ShapedLink}), and the check every integration test ends with
 * ({@link io.gitedge.testing.MirrorInvariants}). The oracles of the reliability rows:
 * {@link io.gitedge.testing.RefSnapshots} (a reader sees one whole ref state),
 * {@link io.gitedge.testing.ResourceBaseline} (threads, descriptors, heap and a server's
 * sessions come back), {@link io.gitedge.testing.SecretScan} (no secret comes back out), and
 * {@link io.gitedge.testing.BackgroundClones} (a legit clone keeps working during an attack).
 */
package io.gitedge.testing;
