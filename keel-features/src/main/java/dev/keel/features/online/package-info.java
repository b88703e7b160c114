/**
 * The online feature store: the latest feature vector per entity key and feature table, for
 * low-latency lookups at serving time. {@link dev.keel.features.online.OnlineStore} is the
 * contract; {@link dev.keel.features.online.EmbeddedOnlineStore} (a SQLite file in the data dir)
 * and {@link dev.keel.features.online.RedisOnlineStore} implement it, and {@link
 * dev.keel.features.online.OnlineStores#open} picks one from the {@code online-store} setting. The
 * layout, the skip-if-older rule and the statuses are described in {@code docs/features.md}.
 */
package dev.keel.features.online;
