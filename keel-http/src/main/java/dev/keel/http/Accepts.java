package dev.keel.http;

import io.javalin.router.EndpointMetadata;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The media types a route reads from a request body, attached to every endpoint as metadata by
 * {@link Routes#add}: {@link #JSON} unless the route says otherwise. {@link BrowserGuard} refuses a
 * state-changing request whose body has another type with 415.
 *
 * <p>A POST route never takes {@code text/plain}, {@code application/x-www-form-urlencoded} or
 * {@code multipart/form-data}: those are the types a web page on any site can make a browser send
 * without asking the server first (a CORS "simple" request), so taking one would let any page drive
 * the route ({@link Routes#add} refuses such a declaration). PUT, PATCH and DELETE always ask
 * first, so {@link #ANY} is safe for them (artifact uploads send a guessed type).
 */
public final class Accepts implements EndpointMetadata {
  /** The types a browser sends cross-site without a preflight. */
  static final Set<String> SIMPLE =
      Set.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data");

  /** JSON: {@code application/json} and any {@code application/*+json}, with any parameters. */
  public static final Accepts JSON = new Accepts(List.of("application/json"), false, false);

  /** Any type, or none (a file upload the route stores as bytes). Only for PUT, PATCH, DELETE. */
  public static final Accepts ANY = new Accepts(List.of("*/*"), true, true);

  private final List<String> types;
  private final boolean any;
  private final boolean untyped;

  private Accepts(List<String> types, boolean any, boolean untyped) {
    this.types = List.copyOf(types);
    this.any = any;
    this.untyped = untyped;
  }

  /**
   * These types, and a POST body without a {@code Content-Type}, read as the first type: for a
   * protocol whose real clients send none (Triton's V2 client). Such a body is one a page can post
   * cross-site; the browser then sends an {@code Origin}, which {@link BrowserGuard} checks.
   */
  public Accepts orUntyped() {
    return new Accepts(types, any, true);
  }

  /** True when a POST body without a {@code Content-Type} is taken (see {@link #orUntyped}). */
  public boolean untyped() {
    return untyped;
  }

  /**
   * Exactly these media types (lower-case {@code type/subtype}, no parameters); {@code
   * application/json} also admits {@code application/*+json}.
   */
  public static Accepts of(String... types) {
    if (types.length == 0) {
      throw new IllegalArgumentException("a route takes at least one media type");
    }
    for (String t : types) {
      Objects.requireNonNull(t, "type");
      if (!t.matches("[a-z0-9.+-]+/[a-z0-9.+-]+")) {
        throw new IllegalArgumentException("not a lower-case type/subtype: " + t);
      }
    }
    return new Accepts(List.of(types), false, false);
  }

  /** True when the route takes any type. */
  public boolean any() {
    return any;
  }

  /** True when a browser could send a body of a type this route takes without a preflight. */
  public boolean takesSimpleTypes() {
    return any || types.stream().anyMatch(SIMPLE::contains);
  }

  /**
   * The declared types, e.g. {@code [application/json]} ({@code [*}{@code /*]} for {@link #ANY}).
   */
  public List<String> types() {
    return types;
  }

  /**
   * True when a body of {@code contentType} (a {@code Content-Type} header, parameters allowed) is
   * one this route reads.
   */
  public boolean takes(String contentType) {
    if (any) {
      return true;
    }
    String type = mediaType(contentType);
    for (String t : types) {
      if (t.equals(type)
          || (t.equals("application/json")
              && type.startsWith("application/")
              && type.endsWith("+json"))) {
        return true;
      }
    }
    return false;
  }

  /** The {@code type/subtype} of a {@code Content-Type} header, lower-cased, without parameters. */
  static String mediaType(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi))
        .strip()
        .toLowerCase(Locale.ROOT);
  }

  /** The types for people: {@code application/json} or {@code text/csv or application/json}. */
  public String describe() {
    return String.join(" or ", types);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Accepts a && a.any == any && a.untyped == untyped && a.types.equals(types);
  }

  @Override
  public int hashCode() {
    return types.hashCode();
  }

  @Override
  public String toString() {
    return "Accepts" + types;
  }
}
