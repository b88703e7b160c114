/**
 * The identity API: SCIM {@code /api/2.0/preview/scim/v2/Users|Groups|ServicePrincipals|Me},
 * personal access tokens ({@code /api/2.0/token/...}) and administrators' token management ({@code
 * /api/2.0/token-management/...}), in the shapes of Databricks' REST API and SDK ({@link
 * dev.keel.catalog.identity.http.ScimRoutes}, {@link dev.keel.catalog.identity.http.TokenRoutes});
 * and the {@link dev.keel.catalog.identity.http.AuthenticationGuard}, which turns each request's
 * bearer token into its caller and limits failed authentications per source address.
 */
package dev.keel.catalog.identity.http;
