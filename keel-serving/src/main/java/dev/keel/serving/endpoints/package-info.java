/**
 * Serving endpoints in Databricks' shape. {@link dev.keel.serving.endpoints.EndpointService} is the
 * facade; behind it the control plane ({@code EndpointControl}: create, update, get, list, delete
 * over an {@link dev.keel.serving.endpoints.EndpointStore}), the background config loads and
 * zero-downtime swaps ({@code ConfigDeployer}), alias following ({@code AliasWatcher}) and the data
 * plane ({@code EndpointRouter}: traffic split, scoring, feature lookups through {@link
 * dev.keel.serving.endpoints.FeatureSource}). Stored configs use {@link
 * dev.keel.serving.endpoints.EndpointConfigCodec} and {@link
 * dev.keel.serving.endpoints.AiGatewayCodec}, versioned apart from the wire shape read and written
 * by {@code dev.keel.serving.http.EndpointConfigJson}. The domain records here carry no JSON.
 */
package dev.keel.serving.endpoints;
