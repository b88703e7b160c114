/**
 * MLflow-compatible experiment tracking: experiments, runs, metrics (every point plus the latest
 * per key), params (write-once), tags, dataset inputs, search compiled to SQL ({@code search}) and
 * artifact storage ({@code artifacts}). {@link dev.keel.tracking.TrackingService} holds the rules
 * and limits; {@link dev.keel.tracking.TrackingStore} is the storage contract, implemented on the
 * metadata database by {@link dev.keel.tracking.JdbcTrackingStore}.
 */
package dev.keel.tracking;
