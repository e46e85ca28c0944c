import fs from 'node:fs';
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
export function samlPostForm(page: Page): { action: string; SAMLResponse: string; RelayState?: string } {
  const action = page.body.match(/<form method="post" action="([^"]+)" id="saml-post">/)?.[1];
  if (!action) throw new Error(`not a SAML POST page (${page.status} ${page.url}): ${page.body.slice(page.body.indexOf('<h1'), page.body.indexOf('<h1') + 400)}`);
  const fields = hiddenFields(page.body);
  return { action: action.replace(/&amp;/g, '&'), SAMLResponse: fields.SAMLResponse!, ...(fields.RelayState !== undefined ? { RelayState: fields.RelayState } : {}) };
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
