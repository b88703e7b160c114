/**
 * The lineage graph: what Keel records about where things came from, walked across capabilities.
 * Each capability contributes the links it knows through a {@link
 * dev.keel.catalog.lineage.LineageSource} (table snapshots read by a training set or a run, the run
 * a model version came from, aliases, the endpoints that serve a model and the inference tables
 * they log to); {@link dev.keel.catalog.lineage.LineageService} walks them from one securable,
 * upstream, downstream or both, to a bounded depth.
 */
package dev.keel.catalog.lineage;
