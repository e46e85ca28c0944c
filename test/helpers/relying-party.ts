import * as oidc from 'openid-client';
import { Browser, formAction, hiddenField, type Page } from './browser.ts';

export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

export interface AuthorizationResult {
  callback: URL;
  verifier: string;
  nonce: string;
  state: string;
  browser: Browser;
}

/** An openid-client configuration for a client of the Gatehouse at `issuer` (plain HTTP is fine on loopback). */
export async function discover(issuer: string, clientId: string, clientSecret?: string, auth?: oidc.ClientAuth): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), clientId, clientSecret, auth ?? (clientSecret ? undefined : oidc.None()), {
    execute: [oidc.allowInsecureRequests],
  });
}

/**
 * Runs the front channel as a person would: opens the authorization URL, posts the real login
 * form (and consent form when asked), and returns the callback the RP receives.
 */
export async function authorize(config: oidc.Configuration, credentials: { email: string; password: string }, options: {
  scope?: string; browser?: Browser; extra?: Record<string, string>; redirectUri?: string;
} = {}): Promise<AuthorizationResult> {
  const redirectUri = options.redirectUri ?? REDIRECT_URI;
  const browser = options.browser ?? new Browser();
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const state = oidc.randomState();
  const scope = options.scope ?? 'openid email profile offline_access';
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    // OIDC Core §11: offline_access is granted only with prompt=consent
    ...(scope.includes('offline_access') ? { prompt: 'consent' } : {}),
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
    state,
    ...options.extra,
  });
  const atCallback = (location: string) => location.startsWith(redirectUri);
  let page = await browser.follow(url.href, atCallback);
  page = await submitLogin(browser, page, credentials, atCallback);
  if (!atCallback(page.url) && page.body.includes('Allow access?')) {
    page = await browser.follow(formAction(page.body, page.url), atCallback, { form: { csrf: hiddenField(page.body, 'csrf') } });
  }
  if (!atCallback(page.url)) throw new Error(`did not reach the callback; ended at ${page.url} (${page.status}): ${page.body.replace(/<head>[\s\S]*<\/head>/, "").slice(0, 600)}`);
  return { callback: new URL(page.url), verifier, nonce, state, browser };
}

export async function submitLogin(browser: Browser, page: Page, credentials: { email: string; password: string }, stop: (l: string) => boolean): Promise<Page> {
  if (!page.body.includes('name="password"')) return page;
  return browser.follow(formAction(page.body, page.url), stop, {
    form: { csrf: hiddenField(page.body, 'csrf'), email: credentials.email, password: credentials.password },
  });
}
