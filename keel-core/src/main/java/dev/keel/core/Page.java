package dev.keel.core;

import java.util.List;
import java.util.Optional;

/**
 * One page of a listing.
 *
 * @param items the items on this page
 * @param nextPageToken the token for the next page; empty on the last page
 */
public record Page<T>(List<T> items, Optional<String> nextPageToken) {
  public Page {
    items = List.copyOf(items);
  }
}
