import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import { decodeProtectedHeader } from 'jose';
import { freePort } from '../../../src/store/free-port.ts';
import { Browser } from '../../helpers/browser.ts';
import { gatehouseCli } from '../../helpers/cli.ts';
import { freshDatabaseUrl } from '../../helpers/database.ts';
import { authorize, discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { killServerProcesses, startServerProcess, type ServerProcess } from '../../helpers/server-process.ts';

const ALICE = { email: 'alice@example.com', password: 'correct horse battery staple' };
const APP = { id: 'shared-app', secret: 'shared-app-secret-0123456789' };

// Two Gatehouse processes on one PostgreSQL and one Redis, behind one public issuer.
let a: ServerProcess;
let b: ServerProcess;
let env: Record<string, string>;
let issuer: string;

beforeAll(async () => {
  const [portA, portB] = [await freePort(), await freePort()];
  issuer = `http://127.0.0.1:${portA}`;
  const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-nodes-'));
  env = {
    DATABASE_URL: await freshDatabaseUrl(), REDIS_URL: process.env.REDIS_URL!, REDIS_KEY_PREFIX: `nodes:${crypto.randomBytes(4).toString('hex')}:`,
    ISSUER: issuer, GATEHOUSE_DATA_DIR: shared, COOKIE_KEYS: crypto.randomBytes(32).toString('base64url'), LOG_LEVEL: 'warn',
  };
  a = await startServerProcess({ ...env, PORT: String(portA) });
  b = await startServerProcess({ ...env, PORT: String(portB) });
  expect((await gatehouseCli(['user', 'create', '--email', ALICE.email, '--password', ALICE.password], env)).code).toBe(0);
  const client = await gatehouseCli(['client', 'create', '--id', APP.id, '--secret', APP.secret, '--redirect-uri', REDIRECT_URI, '--grant-type', 'authorization_code', '--grant-type', 'client_credentials'], env);
  expect(client.code).toBe(0);
}, 60_000);

afterAll(() => killServerProcesses());

/** Sends each request to the other node, as a round-robin load balancer does. */
function roundRobin(): (url: URL) => URL {
  let turn = 0;
  return (url) => {
    if (url.origin !== issuer) return url;
    const node = turn++ % 2 === 0 ? a : b;
    return new URL(`${url.pathname}${url.search}`, node.url);
  };
}

/** A relying party whose back-channel calls all go to one node. */
async function rpOn(node: ServerProcess) {
  const rp = await discover(issuer, APP.id, APP.secret);
  rp[oidc.customFetch] = (url, options) => fetch(new URL(new URL(url).pathname, node.url), options as RequestInit);
  return rp;
}

describe('two nodes', () => {
  it('finish a sign-in started on the other node, and honour each other\'s tokens', async () => {
    const rpA = await rpOn(a);
    const { callback, verifier, nonce, state } = await authorize(rpA, ALICE, { scope: 'openid email', browser: new Browser(roundRobin()) });
    const tokens = await oidc.authorizationCodeGrant(rpA, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
    const rpB = await rpOn(b);
    expect(await oidc.tokenIntrospection(rpB, tokens.access_token)).toMatchObject({ active: true, client_id: APP.id });
    expect(await oidc.fetchUserInfo(rpB, tokens.access_token, tokens.claims()!.sub)).toMatchObject({ email: ALICE.email });
  });

  it('use signing keys rotated elsewhere at once, without a restart', async () => {
    const kidsOf = async (node: ServerProcess) => ((await (await fetch(`${node.url}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    const before = await kidsOf(b);
    expect((await gatehouseCli(['keys', 'rotate'], env)).code).toBe(0);
    for (let i = 0; i < 50 && (await kidsOf(b)).length === before.length; i++) await new Promise((r) => setTimeout(r, 100));
    const after = await kidsOf(b);
    expect(after).toHaveLength(4);
    expect(await kidsOf(a)).toEqual(after);
    const { access_token } = await oidc.clientCredentialsGrant(await rpOn(b), { scope: 'api' });
    const kid = decodeProtectedHeader(access_token).kid!;
    expect(before).not.toContain(kid);
    expect(after).toContain(kid);
  });

  it('list an upstream IdP added elsewhere on the login page, and drop it when removed, without a restart', async () => {
    const onB = (url: URL) => (url.origin === issuer ? new URL(`${url.pathname}${url.search}`, b.url) : url);
    const loginPageOfB = async () => {
      const url = oidc.buildAuthorizationUrl(await rpOn(b), { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' });
      const page = await new Browser(onB).follow(url.href);
      expect(page.body).toContain('name="password"');
      return page.body;
    };
    const becomes = async (shown: boolean) => {
      for (let i = 0; i < 50 && (await loginPageOfB()).includes('Sign in with Corp') !== shown; i++) await new Promise((r) => setTimeout(r, 100));
      expect((await loginPageOfB()).includes('Sign in with Corp')).toBe(shown);
    };
    await becomes(false); // B has read, and keeps, the list without Corp
    const added = await gatehouseCli(['idp', 'add-oidc', '--id', 'corp', '--name', 'Corp', '--issuer', 'https://login.corp.example', '--client-id', 'gatehouse', '--client-secret', 'a-secret-of-the-upstream', '--domain', 'corp.example'], env);
    expect(added.code).toBe(0);
    await becomes(true);
    expect((await gatehouseCli(['idp', 'remove', 'corp'], env)).code).toBe(0);
    await becomes(false);
  });

  it('stop accepting a client deleted elsewhere, without a restart', async () => {
    const rpB = await rpOn(b);
    await expect(oidc.clientCredentialsGrant(rpB, { scope: 'api' })).resolves.toBeDefined(); // cached on B now
    expect((await gatehouseCli(['client', 'delete', APP.id], env)).code).toBe(0);
    let refused = false;
    for (let i = 0; i < 50 && !refused; i++) {
      refused = await oidc.clientCredentialsGrant(rpB, { scope: 'api' }).then(() => false, () => true);
      if (!refused) await new Promise((r) => setTimeout(r, 100));
    }
    expect(refused).toBe(true);
  });
});
