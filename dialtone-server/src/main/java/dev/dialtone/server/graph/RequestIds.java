package dev.dialtone.server.graph;

import java.util.Optional;

/**
 * The ids of one request: Dialtone's {@code request-id} and the client's {@code client-request-id}
 * if it sent one. Both go back in the response headers and in every error body.
 */
public record RequestIds(String requestId, Optional<String> clientRequestId) {}
