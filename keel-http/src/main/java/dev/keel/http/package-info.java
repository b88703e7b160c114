/**
 * The HTTP edge shared by every capability: lenient MLflow-style request decoding ({@link
 * dev.keel.http.Request}), JSON responses, the single error translator, per-route access
 * declarations ({@link dev.keel.http.Access}) and the body types each route reads ({@link
 * dev.keel.http.Accepts}), the guard against browser-origin attacks ({@link
 * dev.keel.http.BrowserGuard}: Host, Origin, Content-Type, CORS) and Prometheus request metrics.
 */
package dev.keel.http;
