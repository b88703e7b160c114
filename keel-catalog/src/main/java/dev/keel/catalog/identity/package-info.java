/**
 * Identities and authentication: users, groups (nested) and service principals as the SCIM API
 * shows them ({@link dev.keel.catalog.identity.Identity}), personal access tokens stored as salted
 * hashes, and the {@link dev.keel.core.Principal} a bearer token stands for ({@link
 * dev.keel.catalog.identity.IdentityService#authenticate}). Members of the built-in group {@code
 * admins}, directly or through nested groups, are administrators. {@link
 * dev.keel.catalog.identity.IdentityStore} is the storage contract, implemented on the metadata
 * database by {@link dev.keel.catalog.identity.JdbcIdentityStore}; {@link
 * dev.keel.catalog.identity.AuthSettings} holds the {@code auth} setting and {@link
 * dev.keel.catalog.identity.IdentityBootstrap} creates the first administrator.
 */
package dev.keel.catalog.identity;
