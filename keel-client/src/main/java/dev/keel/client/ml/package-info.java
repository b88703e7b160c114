/**
 * Keel's built-in ML tasks over the SDK: labeled data read from training sets ({@link
 * dev.keel.client.ml.LabeledData}), Java trainers that produce servable MLflow packages ({@link
 * dev.keel.client.ml.Trainer}: XGBoost4J and Tribuo), and evaluation metrics ({@link
 * dev.keel.client.ml.EvalMetric}). The {@code keel ml} commands drive them; everything here works
 * through a {@link dev.keel.client.KeelClient} with the caller's token, so governance applies. The
 * trainers need keel-client's optional XGBoost4J and Tribuo dependencies.
 */
package dev.keel.client.ml;
