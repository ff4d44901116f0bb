package dev.dialtone.engine.directory;

import java.util.Objects;

/** A directory user that calls can ring, and how it responds when rung. */
public record User(String id, String tenantId, String displayName, Behaviour behaviour) {
  public User {
    Directory.requireText(id, "user id");
    Directory.requireText(tenantId, "user tenantId");
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(behaviour, "behaviour");
  }

  public User(String id, String tenantId, String displayName) {
    this(id, tenantId, displayName, Behaviour.DEFAULT);
  }
}
