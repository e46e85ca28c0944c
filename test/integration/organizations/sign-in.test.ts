import { createRemoteJWKSet, jwtVerify } from 'jose';
import { generateSecret, generateSync } from 'otplib';
import * as oidc from 'openid-client';
import { Browser, postForm } from '../../helpers/browser.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { startMailbox, type Mailbox } from '../../helpers/mailbox.ts';
import { authorize, discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';
import type { Organization } from '../../../src/organizations/organization.ts';

const ACR_MFA = 'urn:gatehouse:acr:mfa';
const ACR_PASSWORD = 'urn:gatehouse:acr:password';
const LOGIN_FORM = /action="\/interaction\/[\w-]+\/login"/;
const PASSWORD = 'a perfectly fine passphrase';
const atCallback = (l: string) => l.startsWith(REDIRECT_URI);

/** Sign-in for an organization: the hint, its pages, its policy, and the claims of its tokens. */
describe('signing in for an organization', () => {
  let gatehouse: TestGatehouse;
  let mailbox: Mailbox;
  let rp: oidc.Configuration;
  let api: string;
  let acme: Organization;
  let secure: Organization;
  const BOB = { email: 'bob@example.com', password: PASSWORD };

  beforeAll(async () => {
    mailbox = await startMailbox();
    gatehouse = await startGatehouse({ env: { SMTP_URL: mailbox.url, LOGIN_RATE_LIMIT: '1000' } });
    const { core } = gatehouse.running;
    await seedWebApp(core);
    await core.accounts.addRole((await core.accounts.findByEmail(ALICE.email))!.id, 'staff');
    await core.accounts.create({ ...BOB, emailVerified: true });
    acme = await core.organizations.create('cli:test', {
      slug: 'acme', name: 'Acme Corp', logo_url: 'https://logos.example.com/acme.svg', primary_color: '#AA3300', background_color: '#fafafa',
    });
    secure = await core.organizations.create('cli:test', { slug: 'secure', name: 'Secure Ltd', require_mfa: true });
    await core.organizations.setMember('cli:test', 'acme', ALICE.email, ['owner', 'billing']);
    rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
    api = core.config.defaultResource;
  });
  afterAll(async () => {
    await gatehouse.close();
    await mailbox.close();
  });

  const redeem = async (result: Awaited<ReturnType<typeof authorize>>, resource?: string) =>
    oidc.authorizationCodeGrant(rp, result.callback, { pkceCodeVerifier: result.verifier, expectedNonce: result.nonce, expectedState: result.state }, resource ? { resource } : undefined);

  it('carries org_id, org_name and org_roles in the ID token, userinfo and a JWT access token, beside the roles', async () => {
    const result = await authorize(rp, ALICE, { scope: 'openid roles api', extra: { organization: 'acme', resource: api } });
    const tokens = await redeem(result, api);
    const org = { org_id: acme.id, org_name: 'Acme Corp', org_roles: ['billing', 'owner'] };
    expect(tokens.claims()).toMatchObject(org);
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${gatehouse.issuer}/jwks`)), { audience: api });
    expect(payload).toMatchObject({ ...org, roles: ['staff'] });

    const plain = await authorize(rp, ALICE, { scope: 'openid roles', extra: { organization: acme.id }, browser: result.browser });
    const plainTokens = await redeem(plain);
    expect(plainTokens.claims()).toMatchObject(org);
    expect(await oidc.fetchUserInfo(rp, plainTokens.access_token, plainTokens.claims()!.sub)).toMatchObject({ ...org, roles: ['staff'] });
  });

  it('keeps the organization through a refresh, and a request without one gets tokens without it', async () => {
    const browser = new Browser();
    const withOrg = await redeem(await authorize(rp, ALICE, { scope: 'openid offline_access', extra: { organization: 'acme' }, browser }));
    const refreshed = await oidc.refreshTokenGrant(rp, withOrg.refresh_token!);
    expect(refreshed.claims()).toMatchObject({ org_id: acme.id, org_name: 'Acme Corp' });

    const without = await redeem(await authorize(rp, ALICE, { scope: 'openid', browser }));
    expect(without.claims()).not.toHaveProperty('org_id');
    expect(await oidc.fetchUserInfo(rp, without.access_token, without.claims()!.sub)).not.toHaveProperty('org_id');
    // the earlier authorization keeps its organization
    expect((await oidc.refreshTokenGrant(rp, refreshed.refresh_token!)).claims()).toMatchObject({ org_id: acme.id });
  });

  it('takes the organization in a pushed authorization request too (RFC 9126), and drops the claims once the member is removed', async () => {
    const { core } = gatehouse.running;
    const erin = { email: 'erin@example.com', password: PASSWORD };
    await core.accounts.create({ ...erin, emailVerified: true });
    await core.organizations.setMember('cli:test', 'acme', erin.email, ['viewer']);
    const verifier = oidc.randomPKCECodeVerifier();
    const url = await oidc.buildAuthorizationUrlWithPAR(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid offline_access', prompt: 'consent', organization: 'acme',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const browser = new Browser();
    let page = await browser.follow(url.href, atCallback);
    expect(page.body).toContain('Acme Corp');
    page = await postForm(browser, page, '/login', erin, atCallback);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(page.url), { pkceCodeVerifier: verifier });
    expect(tokens.claims()).toMatchObject({ org_id: acme.id, org_roles: ['viewer'] });

    await core.organizations.removeMember('cli:test', 'acme', erin.email);
    const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
    expect(refreshed.claims()).not.toHaveProperty('org_id');
    expect(await oidc.fetchUserInfo(rp, refreshed.access_token, refreshed.claims()!.sub)).not.toHaveProperty('org_id');
  });

  it('refuses a person who is not a member with access_denied, and an unknown organization with invalid_request', async () => {
    const denied = await authorize(rp, BOB, { scope: 'openid', extra: { organization: 'acme' } });
    expect(denied.callback.searchParams.get('error')).toBe('access_denied');
    expect(denied.callback.searchParams.get('error_description')).toContain('not a member');
    // signed in already, the answer is the same
    const again = await authorize(rp, BOB, { scope: 'openid', extra: { organization: 'acme' }, browser: denied.browser });
    expect(again.callback.searchParams.get('error')).toBe('access_denied');

    const unknown = await authorize(rp, ALICE, { scope: 'openid', extra: { organization: 'no-such-org' } });
    expect(unknown.callback.searchParams.get('error')).toBe('invalid_request');
    expect(unknown.callback.searchParams.get('error_description')).toContain('organization');
  });

  it('shows the organization on the sign-in page: its name, its logo (allowed by the CSP) and its colours', async () => {
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid', organization: 'acme', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256',
    });
    const page = await new Browser().follow(url.href);
    expect(page.body).toMatch(LOGIN_FORM);
    expect(page.body).toContain('<span>Acme Corp</span>');
    expect(page.body).toContain('<img src="https://logos.example.com/acme.svg"');
    expect(page.headers.get('content-security-policy')).toContain("img-src 'self' data: https://logos.example.com;");
    expect(page.body).toContain(`href="/assets/organizations/${acme.id}.css"`);
    const css = await fetch(`${gatehouse.issuer}/assets/organizations/${acme.id}.css`);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(await css.text()).toBe(':root { --accent: #aa3300; }\nbody { background: #fafafa; }\n');

    const other = await new Browser().follow(oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256',
    }).href);
    expect(other.body).not.toContain('Acme Corp');
    expect(other.headers.get('content-security-policy')).not.toContain('logos.example.com');
  });

  it('refuses colours and logos that are not what they claim to be', async () => {
    const { organizations } = gatehouse.running.core;
    await expect(organizations.create('cli:test', { slug: 'evil', name: 'Evil', primary_color: 'red;} body{display:none' }))
      .rejects.toThrow('primary_color must be a colour written #rrggbb');
    await expect(organizations.create('cli:test', { slug: 'evil', name: 'Evil', logo_url: 'javascript:alert(1)' })).rejects.toThrow('logo_url');
    await expect(organizations.create('cli:test', { slug: 'Not A Slug', name: 'Evil' })).rejects.toThrow('slug must be');
    await expect(organizations.create('cli:test', { slug: 'acme', name: 'Again' })).rejects.toThrow('taken');
  });

  it('makes a second factor due for a member of an organization that requires one: an emailed code, also as a step-up of a session', async () => {
    const { core } = gatehouse.running;
    const carol = { email: 'carol@example.com', password: PASSWORD };
    await core.accounts.create({ ...carol, emailVerified: true });
    await core.organizations.setMember('cli:test', 'secure', carol.email, ['member']);
    const browser = new Browser();

    const plain = await redeem(await authorize(rp, carol, { scope: 'openid', browser }));
    expect(plain.claims()).toMatchObject({ acr: ACR_PASSWORD });

    // the same session, now for the organization: stepped up before the RP gets a code
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid', organization: 'secure', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const page = await browser.follow(url.href, atCallback);
    expect(page.body).toContain('Confirm it is you');
    expect(page.body).toContain('Secure Ltd asks its members for a second step.');
    const sent = await postForm(browser, page, '/mfa/email');
    const code = (await mailbox.next(carol.email)).subject!.match(/^(\d{6}) is your/)![1]!;
    const done = await postForm(browser, sent, '/mfa', { method: 'email_code', code }, atCallback);
    expect(atCallback(done.url)).toBe(true);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(done.url), { pkceCodeVerifier: verifier });
    expect(tokens.claims()).toMatchObject({ acr: ACR_MFA, org_id: secure.id, org_name: 'Secure Ltd', org_roles: ['member'] });
    expect(tokens.claims()!.amr).toContain('mfa');

    // a fresh sign-in for the organization asks for it right after the password
    const fresh = new Browser();
    const start = await fresh.follow(url.href, atCallback);
    const second = await postForm(fresh, start, '/login', { email: carol.email, password: carol.password }, atCallback);
    expect(second.body).toContain('Confirm it is you');
    // asked before the sign-in completes (no session holds a half-done sign-in), for the organization's sake
    const metrics = await (await fetch(`${gatehouse.issuer}/metrics`)).text();
    expect(metrics).toContain('gatehouse_mfa_challenges_total{reason="organization"} 1');
  });

  it('a member with an authenticator app gives its code when signing in for that organization', async () => {
    const { core } = gatehouse.running;
    const dave = { email: 'dave@example.com', password: PASSWORD };
    const account = await core.accounts.create({ ...dave, emailVerified: true });
    const secret = generateSecret();
    await core.store.factors.add({ accountId: account.id, kind: 'totp', name: 'Phone', secret, lastStep: 0 });
    await core.organizations.setMember('cli:test', 'secure', dave.email);

    const browser = new Browser();
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT_URI, scope: 'openid', organization: 'secure', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    let page = await browser.follow(url.href, atCallback);
    expect(page.body).toContain('Secure Ltd');
    page = await postForm(browser, page, '/login', { email: dave.email, password: dave.password }, atCallback);
    expect(page.body).toContain('Code from your authenticator app');
    page = await postForm(browser, page, '/mfa', { code: generateSync({ secret }) }, atCallback);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(page.url), { pkceCodeVerifier: verifier });
    expect(tokens.claims()).toMatchObject({ acr: ACR_MFA, amr: ['pwd', 'otp', 'mfa'], org_id: secure.id, org_roles: [] });
  });

  it('the organizations scope lists every membership', async () => {
    const { core } = gatehouse.running;
    await core.organizations.setMember('cli:test', 'secure', ALICE.email, ['auditor']);
    const tokens = await redeem(await authorize(rp, ALICE, { scope: 'openid organizations' }));
    expect(tokens.claims()).not.toHaveProperty('org_id');
    expect(await oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub)).toMatchObject({
      organizations: [
        { id: acme.id, name: 'Acme Corp', roles: ['billing', 'owner'] },
        { id: secure.id, name: 'Secure Ltd', roles: ['auditor'] },
      ],
    });
    await core.organizations.removeMember('cli:test', 'secure', ALICE.email);
  });
});
