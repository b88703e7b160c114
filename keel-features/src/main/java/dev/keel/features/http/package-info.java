/** HTTP routes of the feature store ({@code /api/2.0/feature-store}). */
package dev.keel.features.http;
