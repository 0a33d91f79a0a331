/**
 * {@code gitedge doctor}: checks a gateway's config and everything it depends on before (or
 * while) it serves: the data folder, its keys, every upstream, the identity sources, the fleet's
 * peers and Kafka, and this machine's clock. {@link io.gitedge.gateway.doctor.Doctor} runs the
 * checks (the network ones at once, each bounded by a short timeout) and prints one line per
 * check with what to fix. Reads the config and the sources; changes nothing.
 */
package io.gitedge.gateway.doctor;
