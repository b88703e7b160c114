package dev.keel.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What {@link TrackingClient#createRun(NewRun)} sends. Immutable; start from {@link #in(String)}:
 *
 * <pre>{@code
 * Run run = client.createRun(NewRun.in(experimentId).withName("baseline").withTag("team", "ml"));
 * }</pre>
 *
 * @param experimentId the experiment the run belongs to ({@code "0"} is {@code Default})
 * @param runName display name; {@code ""} lets the server generate one
 * @param userId the user the run is attributed to; {@code ""} for none
 * @param startTime start time in milliseconds since the epoch; empty for "now" (server clock)
 * @param tags initial tags
 */
public record NewRun(
    String experimentId, String runName, String userId, OptionalLong startTime, List<Tag> tags) {
  public NewRun {
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(runName, "runName");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(startTime, "startTime");
    tags = List.copyOf(tags);
  }

  /** A run in the given experiment, attributed to the current OS user. */
  public static NewRun in(String experimentId) {
    return new NewRun(
        experimentId, "", System.getProperty("user.name", ""), OptionalLong.empty(), List.of());
  }

  /** This run with the given display name. */
  public NewRun withName(String runName) {
    return new NewRun(experimentId, runName, userId, startTime, tags);
  }

  /** This run attributed to the given user. */
  public NewRun withUserId(String userId) {
    return new NewRun(experimentId, runName, userId, startTime, tags);
  }

  /** This run with the given start time (ms since the epoch). */
  public NewRun withStartTime(long startTimeMillis) {
    return new NewRun(experimentId, runName, userId, OptionalLong.of(startTimeMillis), tags);
  }

  /** This run with one more tag. */
  public NewRun withTag(String key, String value) {
    List<Tag> more = new ArrayList<>(tags);
    more.add(new Tag(key, value));
    return new NewRun(experimentId, runName, userId, startTime, more);
  }

  /** This run with the given tags (replacing earlier ones). */
  public NewRun withTags(List<Tag> tags) {
    return new NewRun(experimentId, runName, userId, startTime, tags);
  }
}
