import fs from 'node:fs';
import http from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';

/** Debian's chromium (installed by .ci/run), headless. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
  if (!executablePath) throw new Error('Chromium is not installed: apt-get install chromium');
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/**
 * A CDP virtual authenticator on the page's browser context (WebAuthn Level 3 test API): a
 * platform authenticator with resident keys and user verification that always succeeds.
 */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', ctap2Version: 'ctap2_1', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
      isUserVerified: true, automaticPresenceSimulation: true,
    },
  });
}

/** The relying party's callback: a real HTTP server on 127.0.0.1 that answers every request with a small page. */
export async function startCallbackServer(): Promise<{ redirectUri: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>callback</h1>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { redirectUri: `http://127.0.0.1:${port}/callback`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * Opens an app that sits behind Gatehouse and signs in on Gatehouse's page, allowing the app when
 * it asks for consent; answers the app's page (`appUrl`) once the browser is back on it.
 */
export async function signInThroughApp(page: Page, appUrl: string, issuer: string, who: { email: string; password: string }, { consent = false } = {}): Promise<Response> {
  const landed = page.waitForResponse((r) => r.url() === appUrl && r.status() === 200);
  await page.goto(appUrl);
  if (!page.url().startsWith(`${issuer}/interaction/`)) throw new Error(`${appUrl} did not send the browser to Gatehouse's sign-in but to ${page.url()}`);
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  if (consent) await page.getByRole('button', { name: 'Allow', exact: true }).click();
  const response = await landed;
  await page.waitForURL(appUrl);
  return response;
}

/** Opens the app and expects Gatehouse's sign-in page: the app's session and Gatehouse's are both gone. */
export async function expectSignInAsked(page: Page, appUrl: string, issuer: string): Promise<void> {
  await page.goto(appUrl);
  if (!page.url().startsWith(`${issuer}/interaction/`)) throw new Error(`${appUrl} did not ask for a sign-in: the browser is at ${page.url()}`);
  await page.getByLabel('Password', { exact: true }).waitFor();
}
