// Mirrors the OpenID Foundation's back-channel logout test plan (oidcc-backchannel-rp-initiated-logout):
// every client of the session receives a logout token, signed and shaped per Back-Channel Logout 1.0 §2.4.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { formAction, hiddenField } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { ALICE } from '../../helpers/seed.ts';

let gatehouse: TestGatehouse;
const logLines: string[] = [];
let receiver: http.Server;
const received: { path: string; contentType?: string; body: URLSearchParams }[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ path: req.url!, contentType: req.headers['content-type'], body: new URLSearchParams(body) });
      res.writeHead(req.url!.startsWith('/app-broken/') ? 500 : 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  gatehouse = await startGatehouse({ logLines });
  const { core } = gatehouse.running;
  await core.accounts.create({ ...ALICE, emailVerified: true });
  for (const id of ['app-one', 'app-two', 'app-broken']) {
    await core.clients.create({
      client_id: id, client_secret: `${id}-secret-0123456789abcdef`, redirect_uris: [REDIRECT_URI], first_party: true,
      grant_types: ['authorization_code'], response_types: ['code'], post_logout_redirect_uris: ['http://127.0.0.1:9/bye'],
      backchannel_logout_uri: `${base}/${id}/logout`, backchannel_logout_session_required: true,
    });
  }
});
afterAll(async () => {
  await gatehouse.close();
  receiver.close();
});

describe('oidcc-backchannel-rp-initiated-logout', () => {
  it('advertises back-channel logout with session ids', async () => {
    const config = await (await fetch(`${gatehouse.issuer}/.well-known/openid-configuration`)).json();
    expect(config).toMatchObject({ backchannel_logout_supported: true, backchannel_logout_session_supported: true });
  });

  it('sends a logout token to every client of the session when the user signs out of one', async () => {
    const one = await discover(gatehouse.issuer, 'app-one', 'app-one-secret-0123456789abcdef');
    const two = await discover(gatehouse.issuer, 'app-two', 'app-two-secret-0123456789abcdef');
    const first = await authorize(one, ALICE, { scope: 'openid' });
    const tokens = await oidc.authorizationCodeGrant(one, first.callback, { pkceCodeVerifier: first.verifier, expectedNonce: first.nonce, expectedState: first.state });
    await authorize(two, ALICE, { scope: 'openid', browser: first.browser }); // same session, no login asked
    const { sid, sub } = tokens.claims()!;

    const confirm = await first.browser.follow(oidc.buildEndSessionUrl(one, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://127.0.0.1:9/bye' }).href);
    await first.browser.follow(formAction(confirm.body, confirm.url), (l) => l.startsWith('http://127.0.0.1:9/'), {
      form: { xsrf: hiddenField(confirm.body, 'xsrf'), logout: 'yes' },
    });

    for (let i = 0; i < 50 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(received.map((r) => r.path).sort()).toEqual(['/app-one/logout', '/app-two/logout']);
    const jwks = createRemoteJWKSet(new URL(`${gatehouse.issuer}/jwks`));
    for (const { path, contentType, body } of received) {
      expect(contentType).toBe('application/x-www-form-urlencoded');
      const token = body.get('logout_token')!;
      expect(decodeProtectedHeader(token).typ).toBe('logout+jwt');
      const { payload } = await jwtVerify(token, jwks, { issuer: gatehouse.issuer, audience: path.split('/')[1]!, typ: 'logout+jwt' });
      expect(payload).toMatchObject({ sub, events: { 'http://schemas.openid.net/event/backchannel-logout': {} } });
      // each client knows the session by its own sid: app-one's is the one in its ID token
      if (path.startsWith('/app-one')) expect(payload.sid).toBe(sid);
      else expect(typeof payload.sid).toBe('string');
      expect(payload).not.toHaveProperty('nonce');
      expect(typeof payload.jti).toBe('string');
    }
  });

  it('still signs the person out when the endpoint of a client fails, and logs which client was not told', async () => {
    const broken = await discover(gatehouse.issuer, 'app-broken', 'app-broken-secret-0123456789abcdef');
    const signIn = await authorize(broken, ALICE, { scope: 'openid' });
    const tokens = await oidc.authorizationCodeGrant(broken, signIn.callback, { pkceCodeVerifier: signIn.verifier, expectedNonce: signIn.nonce, expectedState: signIn.state });
    const confirm = await signIn.browser.follow(oidc.buildEndSessionUrl(broken, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://127.0.0.1:9/bye' }).href);
    const bye = await signIn.browser.follow(formAction(confirm.body, confirm.url), (l) => l.startsWith('http://127.0.0.1:9/'), {
      form: { xsrf: hiddenField(confirm.body, 'xsrf'), logout: 'yes' },
    });
    expect(bye.url).toBe('http://127.0.0.1:9/bye');
    expect(received.some((r) => r.path === '/app-broken/logout')).toBe(true);
    const warning = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'back-channel logout failed');
    expect(warning).toMatchObject({ level: 40, clientId: 'app-broken' });
    expect(JSON.stringify(warning)).not.toContain(received.find((r) => r.path === '/app-broken/logout')!.body.get('logout_token'));
  });
});
