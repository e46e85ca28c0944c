import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import zlib from 'node:zlib';
import path from 'node:path';
import { SAML, ValidateInResponseTo, type SamlConfig } from '@node-saml/node-saml';
import type { Browser} from './browser.ts';
import { hiddenFields, type Page } from './browser.ts';

export const SAML_FIXTURES = path.resolve('test/fixtures/saml');
export const fixture = (name: string) => fs.readFileSync(path.join(SAML_FIXTURES, name), 'utf8');

/** The SP of test/fixtures/saml/sp-metadata.xml, as @node-saml/node-saml: it checks signatures, audience, recipient, InResponseTo. */
export function nodeSamlSp(issuer: string, idpCert: string, options: Partial<SamlConfig> = {}): SAML {
  return new SAML({
    entryPoint: `${issuer}/saml/sso`,
    issuer: 'https://sp.example.com/metadata',
    callbackUrl: 'https://sp.example.com/acs',
    audience: 'https://sp.example.com/metadata',
    idpIssuer: `${issuer}/saml/metadata`,
    idpCert,
    privateKey: fixture('sp-signing.key'),
    decryptionPvk: fixture('sp-encryption.key'),
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'sha256',
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: true,
    identifierFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
    validateInResponseTo: ValidateInResponseTo.always,
    acceptedClockSkewMs: 5000,
    ...options,
  });
}

/** The auto-submitting POST page Gatehouse answers with: where it posts, and what. */
export function samlPostForm(page: Page): { action: string; SAMLResponse: string; SAMLRequest?: string; RelayState?: string } {
  const action = page.body.match(/<form method="post" action="([^"]+)" id="saml-post">/)?.[1];
  if (!action) throw new Error(`not a SAML POST page (${page.status} ${page.url}): ${page.body.slice(page.body.indexOf('<h1'), page.body.indexOf('<h1') + 400)}`);
  const fields = hiddenFields(page.body);
  return {
    action: action.replace(/&amp;/g, '&'), SAMLResponse: fields.SAMLResponse!,
    ...(fields.SAMLRequest !== undefined ? { SAMLRequest: fields.SAMLRequest } : {}),
    ...(fields.RelayState !== undefined ? { RelayState: fields.RelayState } : {}),
  };
}

/** Follows a sign-in from `url` through the login form (when asked) to the SAML POST page. */
export async function throughLogin(browser: Browser, url: string, credentials?: { email: string; password: string }, init?: Parameters<Browser['request']>[1]): Promise<Page> {
  let page = await browser.follow(url, undefined, init);
  const login = page.body.match(/action="(\/interaction\/[\w-]+\/login)"/)?.[1];
  if (login && credentials) {
    page = await browser.follow(new URL(login, page.url).href, undefined, { form: { csrf: hiddenFields(page.body).csrf!, ...credentials } });
  }
  return page;
}

/** An AuthnRequest from test/fixtures/saml/requests, with a fresh ID, the time and the destination filled in. */
export function requestFixture(name: string, issuer: string, id = `_${crypto.randomBytes(16).toString('hex')}`): { id: string; xml: string } {
  const xml = fixture(`requests/${name}`)
    .replaceAll('{{ID}}', id).replaceAll('{{NOW}}', new Date().toISOString()).replaceAll('{{DESTINATION}}', `${issuer}/saml/sso`);
  return { id, xml };
}

/** The HTTP-Redirect binding's query (SAML Bindings §3.4.4): DEFLATE, base64, and a signature over the encoded parameters. */
export function redirectQuery(xml: string, options: { key?: string; relayState?: string } = {}): string {
  const parts = [`SAMLRequest=${encodeURIComponent(zlib.deflateRawSync(xml).toString('base64'))}`];
  if (options.relayState !== undefined) parts.push(`RelayState=${encodeURIComponent(options.relayState)}`);
  if (!options.key) return parts.join('&');
  parts.push(`SigAlg=${encodeURIComponent('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256')}`);
  const signature = crypto.sign('sha256', Buffer.from(parts.join('&')), options.key).toString('base64');
  return `${parts.join('&')}&Signature=${encodeURIComponent(signature)}`;
}

/**
 * A fresh directory that a service provider run by Apache (its children are unprivileged) can
 * read: Gatehouse's IdP metadata as idp.xml and the test SP's key pair as sp-signing.crt/.key.
 */
export async function spFiles(issuer: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-sp-'));
  fs.writeFileSync(path.join(dir, 'idp.xml'), await (await fetch(`${issuer}/saml/metadata`)).text());
  for (const file of ['sp-signing.crt', 'sp-signing.key']) fs.copyFileSync(path.join(SAML_FIXTURES, file), path.join(dir, file));
  fs.chmodSync(dir, 0o755);
  for (const file of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, file), 0o644);
  return dir;
}
