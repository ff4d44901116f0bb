/**
 * Dialtone's identity edge, without HTTP: an OAuth 2.0 client-credentials token issuer shaped like
 * Azure AD's {@code POST /{tenant}/oauth2/v2.0/token}, the verifier of the access tokens it issues,
 * the signing keys behind both, and the OpenID configuration document that publishes them.
 *
 * <p>Design note. Real auth libraries (MSAL4J, azure-identity) must work against this package
 * unchanged, so the request rules, the error codes ({@code AADSTS…}) and the JSON shapes follow
 * what Azure AD does, and the claims of an access token follow what Microsoft Graph receives for an
 * app-only token. Everything that varies at run time comes in from outside: the directory as a
 * {@code Supplier<Directory>} (read once per request, so a change applies to the next request), the
 * time as a {@link java.time.Clock}, the issuer as an {@link
 * dev.dialtone.server.identity.IssuerPolicy}. All public types are immutable and thread-safe; the
 * HTTP edge maps {@link dev.dialtone.server.identity.TokenResponse} and {@link
 * dev.dialtone.server.identity.AuthenticationException} to responses.
 */
package dev.dialtone.server.identity;
