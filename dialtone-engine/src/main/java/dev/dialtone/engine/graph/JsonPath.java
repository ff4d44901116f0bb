package dev.dialtone.engine.graph;

/**
 * Where a value sits in the document, e.g. {@code targets[1].identity.user.displayName}. Built as a
 * linked list while descending and rendered only when a message needs it. The root is {@code null}.
 *
 * @param parent the enclosing path, null at the root
 * @param name the property name, or null for an array index
 * @param index the array index if {@code name} is null
 */
record JsonPath(JsonPath parent, String name, int index) {

  /** What messages call the root. */
  static final String ROOT = "the request body";

  static JsonPath property(JsonPath parent, String name) {
    return new JsonPath(parent, name, -1);
  }

  static JsonPath index(JsonPath parent, int index) {
    return new JsonPath(parent, null, index);
  }

  /** The path as text; {@value #ROOT} for the root ({@code null}). */
  static String render(JsonPath path) {
    if (path == null) {
      return ROOT;
    }
    StringBuilder sb = new StringBuilder();
    path.appendTo(sb);
    return sb.toString();
  }

  private void appendTo(StringBuilder sb) {
    if (parent != null) {
      parent.appendTo(sb);
    }
    if (name == null) {
      sb.append('[').append(index).append(']');
    } else {
      if (parent != null) {
        sb.append('.');
      }
      sb.append(name);
    }
  }

  @Override
  public String toString() {
    return render(this);
  }
}
