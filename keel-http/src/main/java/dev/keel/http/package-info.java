/**
 * The HTTP edge shared by every capability: lenient MLflow-style request decoding ({@link
 * dev.keel.http.Request}), JSON responses, the single error translator, per-route access
 * declarations ({@link dev.keel.http.Access}) and Prometheus request metrics.
 */
package dev.keel.http;
