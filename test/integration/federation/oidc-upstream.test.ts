import * as oidc from 'openid-client';
import { applyImport } from '../../../src/import/apply-import.ts';
import { Browser, postForm } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { seedWebApp, WEB_APP } from '../../helpers/seed.ts';
import { startUpstreamOp, type UpstreamPerson } from '../../helpers/upstream-op.ts';

const atCallback = (l: string) => l.startsWith(REDIRECT_URI);

describe('sign-in with an upstream OpenID Provider', () => {
  let gatehouse: TestGatehouse;
  let upstream: Awaited<ReturnType<typeof startUpstreamOp>>;
  let rp: oidc.Configuration;
  let person: UpstreamPerson;
  let refuse = false;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ env: { LOGIN_RATE_LIMIT: '1000' } });
    upstream = await startUpstreamOp(`${gatehouse.issuer}/federation/oidc/corp/callback`, () => person, { refuse: () => refuse });
    const { core } = gatehouse.running;
    await seedWebApp(core);
    await applyImport(core, {
      oidc_identity_providers: [{
        id: 'corp', display_name: 'Corp SSO', issuer: upstream.issuer, client_id: 'gatehouse', client_secret: 'upstream-secret-0123456789abcdef',
        scopes: 'openid email profile groups', domains: ['corp.example'], trusted_domains: ['trusted.example'],
        roles: { from: 'groups', map: { admins: 'admin', staff: 'staff' } },
      }],
    }, 'inline', { dryRun: false });
    rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
  });
  afterAll(async () => {
    await gatehouse.close();
    await upstream.close();
  });

  const open = async (extra: Record<string, string> = {}) => {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid email profile roles', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
    });
    const browser = new Browser();
    return { browser, verifier, page: await browser.follow(url.href, atCallback) };
  };
  /** Leaves the login page for the upstream (the button's link) and follows the way back. */
  const viaUpstream = (browser: Browser, page: Awaited<ReturnType<Browser['follow']>>, stop = atCallback) =>
    browser.follow(new URL(`${new URL(page.url).pathname}/upstream/corp`, page.url).href, stop);
  const finish = async (browser: Browser, page: Awaited<ReturnType<Browser['follow']>>, verifier: string) => {
    const done = page.body.includes('Allow access') ? await postForm(browser, page, '/consent', {}, atCallback) : page;
    if (!done.url.startsWith(REDIRECT_URI)) throw new Error(`ended at ${done.url} (${done.status}): ${done.body.slice(done.body.indexOf("<h1"), done.body.indexOf("<h1") + 300)}`);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(done.url), { pkceCodeVerifier: verifier });
    return { idToken: tokens.claims()!, userinfo: await oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub) };
  };

  it('signs in through the button: a new account with the mapped claims and roles, amr fed', async () => {
    person = { sub: 'carol-1', email: 'carol@corp.example', email_verified: true, name: 'Carol Corp', groups: ['admins', 'other'] };
    const { browser, verifier, page } = await open();
    expect(page.body).toContain('Sign in with Corp SSO');
    expect(page.body).toMatch(/href="\/interaction\/[\w-]+\/upstream\/corp"/);
    const { idToken, userinfo } = await finish(browser, await viaUpstream(browser, page), verifier);
    expect(idToken).toMatchObject({ amr: ['fed'], acr: 'urn:gatehouse:acr:password' });
    expect(userinfo).toMatchObject({ email: 'carol@corp.example', name: 'Carol Corp', roles: ['admin'] });
    // the same upstream subject next time: the same account
    const again = await open();
    const second = await finish(again.browser, await viaUpstream(again.browser, again.page), again.verifier);
    expect(second.idToken.sub).toBe(idToken.sub);
  });

  it('still meets local policy: a client asking for two factors gets a local second factor after the upstream', async () => {
    person = { sub: 'ken-1', email: 'ken@corp.example', email_verified: true, name: 'Ken', groups: [] };
    const { browser, page } = await open({ acr_values: 'urn:gatehouse:acr:mfa' });
    const next = await viaUpstream(browser, page);
    expect(next.body).toContain('Confirm it is you');
    expect(next.body).toContain('Email me a code');
  });

  it('sends people of an upstream email domain there from the login form (home-realm discovery)', async () => {
    person = { sub: 'dan-1', email: 'dan@corp.example', email_verified: true, name: 'Dan Corp', groups: [] };
    const { browser, verifier, page } = await open();
    const back = await postForm(browser, page, '/login', { email: 'Dan@Corp.Example', password: '' }, atCallback);
    expect((await finish(browser, back, verifier)).userinfo).toMatchObject({ email: 'dan@corp.example' });
  });

  it('never links to an existing account from an untrusted upstream, records why, and provisions nothing', async () => {
    const { core } = gatehouse.running;
    await core.accounts.create({ email: 'erin@corp.example', password: 'erins local passphrase', emailVerified: true });
    person = { sub: 'erin-upstream', email: 'erin@corp.example', email_verified: true, name: 'Mallory', groups: ['admins'] };
    const { browser, page } = await open();
    const refused = await viaUpstream(browser, page);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('An account with erin@corp.example already exists');
    expect(await core.store.upstreams.linkedAccount('corp', 'erin-upstream')).toBeUndefined();
    expect((await core.accounts.findByEmail('erin@corp.example'))!.roles).toEqual([]);
  });

  it('links to an existing account when trusted for its domain and the email is verified', async () => {
    const { core } = gatehouse.running;
    const existing = await core.accounts.create({ email: 'fay@trusted.example', password: 'fays local passphrase', emailVerified: true });
    person = { sub: 'fay-upstream', email: 'fay@trusted.example', email_verified: false, name: 'Fay', groups: [] };
    let { browser, page } = await open();
    const unverified = await viaUpstream(browser, page);
    expect(unverified.status).toBe(403); // an unverified email never links
    person = { ...person, email_verified: true };
    ({ browser, page } = await open());
    await viaUpstream(browser, page);
    expect(await core.store.upstreams.linkedAccount('corp', 'fay-upstream')).toBe(existing.id);
  });

  it('shows a clear page when the upstream refuses, and when its answer is replayed', async () => {
    refuse = true;
    try {
      const { browser, page } = await open();
      const refused = await viaUpstream(browser, page);
      expect(refused.status).toBe(403);
      expect(refused.body).toContain('Corp SSO did not sign you in');
    } finally {
      refuse = false;
    }
    person = { sub: 'gil-1', email: 'gil@corp.example', email_verified: true, name: 'Gil', groups: [] };
    const { browser, page } = await open();
    const toCallback = await viaUpstream(browser, page, (l) => l.includes('/federation/oidc/corp/callback'));
    expect((await browser.follow(toCallback.url, atCallback)).status).toBeLessThan(400);
    const replay = await browser.request(toCallback.url);
    expect(replay.status).toBe(400);
    expect(replay.body).toContain('expired or was already used');
  });
});
