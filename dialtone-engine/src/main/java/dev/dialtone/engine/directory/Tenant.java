package dev.dialtone.engine.directory;

import java.util.Objects;

/** A directory tenant. Ids are compared as given (the Create call page uses a non-GUID one). */
public record Tenant(String id, String displayName) {
  public Tenant {
    Directory.requireText(id, "tenant id");
    Objects.requireNonNull(displayName, "displayName");
  }
}
