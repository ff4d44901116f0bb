package dev.dialtone.server.graph;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed Graph calls path: {@code /{version}/communications/calls[/{id}[/{action}]]} or the
 * deprecated {@code /{version}/app/calls…}. Resource names and action names are case-insensitive
 * and actions may be namespace-qualified ({@code microsoft.graph.answer}); ids are case-sensitive.
 *
 * @param version {@code v1.0} or {@code beta}
 * @param callId the call id, if the path names one
 * @param action the lower-case, unqualified action or navigation segment, if any
 */
record GraphPath(String version, Optional<String> callId, Optional<String> action) {

  /** The bound actions and navigations of {@code call} in the v1.0 CSDL, lower case. */
  static final Set<String> CALL_SEGMENTS =
      Set.of(
          "addlargegalleryview",
          "answer",
          "cancelmediaprocessing",
          "changescreensharingrole",
          "keepalive",
          "mute",
          "playprompt",
          "recordresponse",
          "redirect",
          "reject",
          "senddtmftones",
          "subscribetotone",
          "transfer",
          "unmute",
          "updaterecordingstatus",
          "participants",
          "operations",
          "audioroutinggroups",
          "contentsharingsessions");

  /** The navigation properties of {@code call}, lower case: collections, not actions. */
  static final Set<String> NAVIGATIONS =
      Set.of("participants", "operations", "audioroutinggroups", "contentsharingsessions");

  /** Why a path is not a calls path, in Graph's words. */
  static final class Unknown extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unknown(String segment) {
      super("Resource not found for the segment '" + segment + "'.");
    }
  }

  /**
   * Parses a raw path such as {@code /v1.0/communications/calls/abc}.
   *
   * @throws Unknown naming the first segment that is not part of the calls API
   */
  static GraphPath parse(String rawPath) {
    List<String> segments = new ArrayList<>();
    for (String part : rawPath.split("/")) {
      if (!part.isEmpty()) {
        segments.add(URLDecoder.decode(part, StandardCharsets.UTF_8));
      }
    }
    if (segments.isEmpty()) {
      throw new Unknown("");
    }
    String version = segments.get(0).toLowerCase(Locale.ROOT);
    if (segments.size() < 3) {
      throw new Unknown(segments.get(segments.size() - 1));
    }
    String root = segments.get(1).toLowerCase(Locale.ROOT);
    if (!root.equals("communications") && !root.equals("app")) {
      throw new Unknown(segments.get(1));
    }
    if (!segments.get(2).equalsIgnoreCase("calls")) {
      throw new Unknown(segments.get(2));
    }
    Optional<String> id = segments.size() > 3 ? Optional.of(segments.get(3)) : Optional.empty();
    Optional<String> action = Optional.empty();
    if (segments.size() > 4) {
      String segment = segments.get(4).toLowerCase(Locale.ROOT);
      if (segment.startsWith("microsoft.graph.")) {
        segment = segment.substring("microsoft.graph.".length());
      }
      if (!CALL_SEGMENTS.contains(segment) || segments.size() > 5 && !NAVIGATIONS.contains(segment)) {
        throw new Unknown(segments.get(segments.size() > 5 ? 5 : 4));
      }
      action = Optional.of(segment);
    }
    return new GraphPath(version, id, action);
  }
}
