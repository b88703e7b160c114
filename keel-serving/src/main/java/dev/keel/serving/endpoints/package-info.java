/**
 * Serving endpoints: configurations (served entities, traffic routes, alias-following entities),
 * their store, the endpoint service that loads versions and routes requests, and the {@link
 * dev.keel.serving.endpoints.FeatureSource} interface through which endpoints look features up.
 */
package dev.keel.serving.endpoints;
