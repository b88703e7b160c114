/**
 * Serving endpoints over HTTP: Databricks' {@code /api/2.0/serving-endpoints} control plane, {@code
 * /serving-endpoints/{name}/invocations}, the Open Inference Protocol V2, per-endpoint metrics and
 * inference tables. The wire JSON of endpoint configs and {@code ai_gateway} is {@link
 * dev.keel.serving.http.EndpointConfigJson}.
 */
package dev.keel.serving.http;
