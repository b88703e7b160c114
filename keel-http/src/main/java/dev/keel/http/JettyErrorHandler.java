package dev.keel.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error responses — for requests refused before they reach a route, such as a request
 * line Jetty's HTTP parser rejects (a {@code %00} in the path) — in Keel's JSON error shape instead
 * of Jetty's HTML page. Jetty closes the connection after such a request without always saying so,
 * and a refused request's body may still be unread on it; this handler adds {@code Connection:
 * close} to every such answer, so clients never send their next request on that connection (which
 * fails requests they cannot safely retry, like PUT, or has the leftover body read as the start of
 * the next request).
 */
public final class JettyErrorHandler extends ErrorHandler {
  /** The method Jetty gives a request its HTTP parser could not read. */
  private static final String BAD_MESSAGE_METHOD = "BAD";

  private final Routes routes;

  /** A handler answering in the dialect {@code routes} gives the request's path. */
  public JettyErrorHandler(Routes routes) {
    this.routes = routes;
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback)
      throws IOException {
    ErrorCode errorCode =
        BAD_MESSAGE_METHOD.equals(request.getMethod())
            ? ErrorCode.MALFORMED_REQUEST
            : ErrorTranslator.codeFor(code);
    Dialect dialect = routes.dialectOf(request.getHttpURI().getPath());
    String text =
        BAD_MESSAGE_METHOD.equals(request.getMethod())
            ? "The request could not be parsed"
                + (message == null || message.isBlank() ? "." : ": " + message)
            : "HTTP " + code + (message == null || message.isBlank() ? "" : ": " + message);
    String id =
        RequestIds.accept(request.getHeaders().get(RequestIds.HEADER))
            .orElseGet(RequestIds::generate);
    ObjectNode body = dialect.body(errorCode, text, id);
    response.getHeaders().put(RequestIds.HEADER, id);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    // Whatever Jetty refused before routing may have left its body unread on the connection:
    // never let the client send its next request after it.
    response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    response.write(true, ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(body)), callback);
  }
}
