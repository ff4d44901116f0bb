// The Create call page's first example through the official Microsoft Graph JavaScript client
// (@microsoft/microsoft-graph-client 3.0.7), unchanged, against Dialtone over HTTPS: a token from
// Dialtone's token endpoint (client credentials), the call created with
// client.api('/communications/calls').post(body), read back with .get(), hung up with .delete(),
// and a second .get() failing with 404 itemNotFound.
//
// Run by JavaScriptClientTest (dialtone-compat) with, in the environment:
//   DIALTONE_GRAPH_BASE_URL  https://127.0.0.1:PORT/v1.0
//   DIALTONE_TOKEN_ENDPOINT  https://127.0.0.1:PORT/{tenant}/oauth2/v2.0/token
//   DIALTONE_CLIENT_ID, DIALTONE_CLIENT_SECRET, DIALTONE_CALLBACK_URI
//   NODE_EXTRA_CA_CERTS      Dialtone's tls/dev-cert.pem (TLS verification stays on)
// Node.js 18 or later: the client runs on Node's global fetch, so no polyfill is needed.
// Prints one line per step; exits non-zero on the first failure.
'use strict';

const assert = require('node:assert/strict');
const { Client } = require('@microsoft/microsoft-graph-client');

function env(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is not set`);
  }
  return value;
}

async function token() {
  const response = await fetch(env('DIALTONE_TOKEN_ENDPOINT'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: env('DIALTONE_CLIENT_ID'),
      client_secret: env('DIALTONE_CLIENT_SECRET'),
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  const body = await response.json();
  assert.equal(response.status, 200, `token endpoint: ${JSON.stringify(body)}`);
  assert.equal(body.token_type, 'Bearer');
  assert.ok(body.access_token, 'access_token');
  return body.access_token;
}

// Example 1 of the Create call page, as written there, with the bot's own callbackUri.
function example1(callbackUri) {
  return {
    '@odata.type': '#microsoft.graph.call',
    callbackUri,
    targets: [
      {
        '@odata.type': '#microsoft.graph.invitationParticipantInfo',
        identity: {
          '@odata.type': '#microsoft.graph.identitySet',
          user: {
            '@odata.type': '#microsoft.graph.identity',
            displayName: 'John',
            id: '112f7296-5fa4-42ca-bae8-6a692b15d4b8',
          },
        },
      },
    ],
    requestedModalities: ['audio'],
    mediaConfig: {
      '@odata.type': '#microsoft.graph.serviceHostedMediaConfig',
    },
  };
}

async function main() {
  // The client joins baseUrl, defaultVersion and the path: https://127.0.0.1:PORT/v1.0 is given
  // as baseUrl https://127.0.0.1:PORT/ and defaultVersion v1.0 (a baseUrl ending in /v1.0 would
  // make .../v1.0/v1.0/...).
  const graph = new URL(env('DIALTONE_GRAPH_BASE_URL'));
  const baseUrl = `${graph.origin}/`;
  const defaultVersion = graph.pathname.replace(/^\/+|\/+$/g, '') || 'v1.0';
  const callbackUri = env('DIALTONE_CALLBACK_URI');
  const accessToken = await token();
  console.log('token: ok');

  // What a bot changes: the base URL, and Dialtone's host among the hosts the client's auth
  // handler sends the token to (it sends it to https:// Graph hosts only otherwise).
  const client = Client.init({
    authProvider: (done) => done(null, accessToken),
    baseUrl,
    defaultVersion,
    customHosts: new Set([graph.hostname]),
  });

  const created = await client.api('/communications/calls').post(example1(callbackUri));
  assert.ok(created.id, 'created call has an id');
  assert.equal(created.state, 'establishing');
  assert.equal(created.direction, 'outgoing');
  assert.equal(created.callbackUri, callbackUri);
  assert.deepEqual(created.requestedModalities, ['audio']);
  assert.equal(created.mediaConfig['@odata.type'], '#microsoft.graph.serviceHostedMediaConfig');
  assert.equal(created.targets[0].identity.user.id, '112f7296-5fa4-42ca-bae8-6a692b15d4b8');
  assert.equal(created.source.identity.application.id, env('DIALTONE_CLIENT_ID'));
  console.log(`created: ${created.id} ${created.state}`);

  const read = await client.api(`/communications/calls/${created.id}`).get();
  assert.equal(read.id, created.id);
  assert.ok(['establishing', 'established'].includes(read.state), `state ${read.state}`);
  console.log(`read: ${read.id} ${read.state}`);

  await client.api(`/communications/calls/${created.id}`).delete();
  console.log(`deleted: ${created.id}`);

  let gone;
  try {
    await client.api(`/communications/calls/${created.id}`).get();
  } catch (error) {
    gone = error;
  }
  assert.ok(gone, 'GET after DELETE must fail');
  assert.equal(gone.statusCode, 404, `GraphError: ${gone.statusCode} ${gone.code} ${gone.message}`);
  assert.equal(gone.code, 'itemNotFound');
  assert.ok(gone.message.includes(created.id), `message names the call: ${gone.message}`);
  console.log(`gone: ${gone.statusCode} ${gone.code}`);

  console.log('javascript client: ok');
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : error);
  if (error && error.body) {
    console.error(`body: ${typeof error.body === 'string' ? error.body : JSON.stringify(error.body)}`);
  }
  process.exitCode = 1;
});
