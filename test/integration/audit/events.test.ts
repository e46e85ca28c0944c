import * as oidc from 'openid-client';
import { formAction, hiddenField } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover } from '../../helpers/relying-party.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';
import { until } from '../../helpers/eventually.ts';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const GATEWAY = 'https://gateway.example.com';
const ORDERS = 'https://orders.example.com';
const BOB = { email: 'bob@example.com', password: 'another long passphrase' };

/** Each security event the issue names, performed over HTTP, lands in the audit log with its detail. */
describe('audit log completeness', () => {
  let gatehouse: TestGatehouse;

  beforeAll(async () => {
    gatehouse = await startGatehouse({
      env: {
        LOCKOUT_THRESHOLD: '2',
        RESOURCE_SERVERS: JSON.stringify([{ identifier: GATEWAY, scopes: 'orders:read' }, { identifier: ORDERS, scopes: 'orders:read' }]),
        TOKEN_EXCHANGE_POLICY: JSON.stringify([{ client: 'gateway', audiences: [ORDERS], scopes: ['orders:read'], impersonation: true }]),
      },
    });
    const { core } = gatehouse.running;
    await seedWebApp(core);
    await core.accounts.create({ ...BOB, emailVerified: true });
    await core.clients.create({ client_id: 'gateway', client_secret: 'gateway-secret-0123456789abcdef', grant_types: [EXCHANGE], response_types: [], redirect_uris: [] });
  }, 60_000);
  afterAll(() => gatehouse.close());

  /** The newest audit row of an action after a seq, waited for (some are written just after the response). */
  const rowOf = async (action: string, after: number) => {
    const find = async () => (await gatehouse.running.core.store.audit.read(after + 1, 1000)).find((r) => r.action === action);
    await until(async () => Boolean(await find()), `an audit row "${action}"`, 5000);
    return (await find())!;
  };
  const lastSeq = async () => (await gatehouse.running.core.store.audit.last())?.seq ?? 0;

  it('records consent, sign-in, token exchange and logout', async () => {
    const start = await lastSeq();
    const rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
    const { callback, verifier, nonce, state, browser } = await authorize(rp, ALICE, { scope: 'openid email orders:read offline_access', extra: { resource: GATEWAY } });
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state }, { resource: GATEWAY });
    const alice = (await gatehouse.running.core.accounts.findByEmail(ALICE.email))!.id;

    expect(await rowOf('sign_in', start)).toMatchObject({ actor: alice, detail: { method: 'password', amr: ['pwd'], risk: { decision: 'allow' } } });
    const consent = await rowOf('consent', start);
    expect(consent).toMatchObject({ actor: alice, detail: { clientId: WEB_APP.id, scopes: expect.arrayContaining(['openid', 'email', 'offline_access']) } });

    const exchanged = await fetch(`${gatehouse.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('gateway:gateway-secret-0123456789abcdef').toString('base64')}` },
      body: new URLSearchParams({ grant_type: EXCHANGE, subject_token_type: 'urn:ietf:params:oauth:token-type:access_token', subject_token: tokens.access_token, resource: ORDERS, scope: 'orders:read' }),
    });
    expect(exchanged.status).toBe(200);
    expect(await rowOf('token_exchange', start)).toMatchObject({ actor: 'client:gateway', detail: { client: 'gateway', subject: alice, audience: ORDERS, scope: 'orders:read' } });
    expect(JSON.stringify(await rowOf('token_exchange', start))).not.toContain(tokens.access_token);

    const confirm = await browser.follow(oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token! }).href);
    await browser.follow(formAction(confirm.body, confirm.url), () => false, { form: { xsrf: hiddenField(confirm.body, 'xsrf'), logout: 'yes' } });
    expect(await rowOf('logout', start)).toMatchObject({ actor: alice, detail: { clientId: WEB_APP.id, everywhere: true, ip: expect.any(String) } });
  }, 60_000);

  it('records failed sign-ins with their reason, the lockout, and refusals while locked', async () => {
    const start = await lastSeq();
    const rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
    const bob = (await gatehouse.running.core.accounts.findByEmail(BOB.email))!.id;
    for (let i = 0; i < 2; i++) await expect(authorize(rp, { ...BOB, password: 'wrong' }, { scope: 'openid' })).rejects.toThrow(/did not reach the callback/);
    await expect(authorize(rp, BOB, { scope: 'openid' })).rejects.toThrow(/Too many failed sign-ins/);
    const rows = (await gatehouse.running.core.store.audit.read(start + 1, 100)).map((r) => [r.action, r.actor, r.detail.reason]);
    expect(rows).toEqual([
      ['sign_in_failed', bob, 'invalid_credentials'],
      ['sign_in_failed', bob, 'invalid_credentials'],
      ['lockout', bob, 'failed_sign_ins'],
      ['sign_in_refused', bob, 'account_locked'],
    ]);
  }, 60_000);
});
