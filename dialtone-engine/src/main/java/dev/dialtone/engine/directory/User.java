package dev.dialtone.engine.directory;

import java.util.Objects;

/** A directory user that calls can ring. */
public record User(String id, String tenantId, String displayName) {
  public User {
    Directory.requireText(id, "user id");
    Directory.requireText(tenantId, "user tenantId");
    Objects.requireNonNull(displayName, "displayName");
  }
}
