/**
 * The Microsoft Graph v1.0 calls schema and the validator of request bodies against it; the entry
 * point is {@link dev.dialtone.engine.graph.GraphSchema}.
 */
package dev.dialtone.engine.graph;
