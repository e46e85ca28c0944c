// RFC 8693 token exchange under a policy: impersonation, delegation (act), and the refusals.
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover } from '../../helpers/relying-party.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
const GATEWAY = 'https://gateway.example.com';
const ORDERS = 'https://orders.example.com';
const LEDGER = 'https://ledger.example.com';
const logLines: string[] = [];
let gatehouse: TestGatehouse;
let userToken: string;
let userSub: string;

const secretOf = (id: string) => `${id}-secret-0123456789abcdef`;

beforeAll(async () => {
  gatehouse = await startGatehouse({
    logLines,
    env: {
      RESOURCE_SERVERS: JSON.stringify([
        { identifier: GATEWAY, scopes: 'orders:read' }, { identifier: ORDERS, scopes: 'orders:read orders:write' }, { identifier: LEDGER, scopes: 'ledger:read' },
      ]),
      TOKEN_EXCHANGE_POLICY: JSON.stringify([
        { client: 'gateway', audiences: [ORDERS], scopes: ['orders:read'], impersonation: true, delegation: true },
        { client: 'reporter', audiences: [ORDERS], scopes: ['orders:read'], delegation: true },
      ]),
    },
  });
  const { core } = gatehouse.running;
  await seedWebApp(core);
  for (const id of ['gateway', 'reporter', 'stranger']) {
    await core.clients.create({ client_id: id, client_secret: secretOf(id), grant_types: [EXCHANGE, 'client_credentials'], response_types: [], redirect_uris: [] });
  }
  const rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
  const { callback, verifier, nonce, state } = await authorize(rp, ALICE, { scope: 'openid orders:read', extra: { resource: GATEWAY } });
  const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state }, { resource: GATEWAY });
  userToken = tokens.access_token;
  userSub = tokens.claims()!.sub;
});
afterAll(() => gatehouse.close());

/** A token exchange request by a client, answered as JSON with its status. */
async function exchange(client: string, params: Record<string, string>) {
  const response = await fetch(`${gatehouse.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client}:${secretOf(client)}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: EXCHANGE, subject_token_type: ACCESS_TOKEN, ...params }),
  });
  return { status: response.status, body: await response.json() as Record<string, string> };
}
const verify = (token: string, audience: string) => jwtVerify(token, createRemoteJWKSet(new URL(`${gatehouse.issuer}/jwks`)), { issuer: gatehouse.issuer, audience });

describe('token exchange (RFC 8693)', () => {
  it('is advertised as a grant type', async () => {
    const config = await (await fetch(`${gatehouse.issuer}/.well-known/openid-configuration`)).json() as { grant_types_supported: string[] };
    expect(config.grant_types_supported).toContain(EXCHANGE);
  });

  it('impersonation: the user\'s token becomes one for another audience, as the user', async () => {
    const { status, body } = await exchange('gateway', { subject_token: userToken, resource: ORDERS, scope: 'orders:read' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ issued_token_type: ACCESS_TOKEN, token_type: 'Bearer', scope: 'orders:read' });
    const { payload } = await verify(body.access_token!, ORDERS);
    expect(payload).toMatchObject({ sub: userSub, scope: 'orders:read', client_id: 'gateway' });
    expect(payload).not.toHaveProperty('act');
    const event = logLines.map((l) => JSON.parse(l)).find((l) => l.event === 'token_exchange');
    expect(event).toMatchObject({ client: 'gateway', subject: userSub, audience: ORDERS, scope: 'orders:read' });
  });

  it('delegation: with an actor token, the new token names the actor in act', async () => {
    const actor = await oidc.clientCredentialsGrant(await discover(gatehouse.issuer, 'reporter', secretOf('reporter')), { scope: 'api' });
    const { status, body } = await exchange('reporter', { subject_token: userToken, audience: ORDERS, actor_token: actor.access_token, actor_token_type: ACCESS_TOKEN });
    expect(status).toBe(200);
    const { payload } = await verify(body.access_token!, ORDERS);
    expect(payload).toMatchObject({ sub: userSub, act: { sub: 'reporter' } });
  });

  it.each([
    ['a client the policy does not name', 'stranger', {}, 'unauthorized_client'],
    ['impersonation by a client allowed only delegation', 'reporter', {}, 'unauthorized_client'],
    ['an audience outside the policy', 'gateway', { resource: LEDGER }, 'invalid_target'],
    ['a scope outside the policy', 'gateway', { scope: 'orders:write' }, 'invalid_scope'],
    ['a subject token that is not one of ours', 'gateway', { subject_token: 'forged.token.value' }, 'invalid_grant'],
    ['another subject token type', 'gateway', { subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' }, 'invalid_request'],
  ])('refuses %s', async (_name, client, overrides, error) => {
    const { status, body } = await exchange(client, { subject_token: userToken, resource: ORDERS, ...overrides });
    expect(status).toBeGreaterThanOrEqual(400);
    expect(body.error).toBe(error);
  });
});
