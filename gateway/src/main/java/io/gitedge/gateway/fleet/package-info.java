/**
 * Whether the regions serve the same thing: {@link io.gitedge.gateway.fleet.FleetComparison}
 * decides, from plain values and without I/O, what differences between two regions' mirrors (or a
 * mirror and its upstream) mean: lag that the next sync heals, or divergence that it never will;
 * {@link io.gitedge.gateway.fleet.FleetClient} asks a region's admin API for its mirrors and refs.
 * Used by the HTTPS door's {@code /api/v1/fleet} and by {@code gitedge verify}.
 */
package io.gitedge.gateway.fleet;
