package dev.keel.client;

/** What {@link FeatureStoreClient#publish} sends to the online store. */
public enum PublishMode {
  /** The whole latest snapshot. */
  SNAPSHOT,
  /** Only the rows that changed since the last publish (the whole table the first time). */
  TRIGGERED
}
