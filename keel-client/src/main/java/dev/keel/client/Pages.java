package dev.keel.client;

import dev.keel.core.Page;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Iterates every item of a paged listing, fetching pages lazily as the stream is consumed:
 *
 * <pre>{@code
 * RunQuery q = RunQuery.in("1").withMaxResults(500);
 * Pages.stream(token -> client.searchRuns(q.withPageToken(token))).forEach(...);
 * }</pre>
 */
public final class Pages {
  private Pages() {}

  /** Fetches one page. */
  @FunctionalInterface
  public interface PageFetcher<T> {
    /**
     * Fetches the page named by {@code pageToken}.
     *
     * @param pageToken {@code ""} for the first page, else the previous page's next-page token
     */
    Page<T> fetch(String pageToken);
  }

  /**
   * A sequential, lazy stream over all items of all pages. The first page is fetched when the
   * stream's first element is requested. A server answering the same token twice in a row is
   * reported as an {@code INVALID_RESPONSE} rather than looping forever.
   */
  public static <T> Stream<T> stream(PageFetcher<T> fetcher) {
    Iterator<T> it =
        new Iterator<>() {
          private final Deque<T> buffer = new ArrayDeque<>();
          private String token = "";
          private boolean last;

          @Override
          public boolean hasNext() {
            while (buffer.isEmpty() && !last) {
              Page<T> page = fetcher.fetch(token);
              buffer.addAll(page.items());
              String next = page.nextPageToken().filter(t -> !t.isEmpty()).orElse("");
              if (next.isEmpty()) {
                last = true;
              } else if (next.equals(token)) {
                throw KeelClientException.local(
                    KeelClientException.INVALID_RESPONSE,
                    "the server returned the same page token twice: " + next);
              }
              token = next;
            }
            return !buffer.isEmpty();
          }

          @Override
          public T next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return buffer.removeFirst();
          }
        };
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false);
  }
}
