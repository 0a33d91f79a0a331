/**
 * Fixtures every module's tests share (test scope only): real upstreams
 * ({@link io.gitedge.testing.TestUpstream}, C git's {@link io.gitedge.testing.HttpBackendServer},
 * {@link io.gitedge.testing.OpenSshServer}), release trees of real Go modules from Debian's
 * source archive ({@link io.gitedge.testing.DebianSources}), a real Kafka broker for the
 * fleet's event bus ({@link io.gitedge.testing.KafkaBroker}), real clients with isolated homes
 * ({@link io.gitedge.testing.ClientHome}), a clock tests move forward
 * ({@link io.gitedge.testing.TestClock}), a TCP link with latency, bandwidth and partitions
 * ({@link io.gitedge.testing.ShapedLink}), and the check every integration test ends with
 * ({@link io.gitedge.testing.MirrorInvariants}).
 */
package io.gitedge.testing;
