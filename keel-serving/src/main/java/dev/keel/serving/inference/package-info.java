/**
 * Inference tables: every scoring request and response of an endpoint, written in the background to
 * a Keel table in Databricks' payload-table schema ({@link
 * dev.keel.serving.inference.InferenceLogger}).
 */
package dev.keel.serving.inference;
