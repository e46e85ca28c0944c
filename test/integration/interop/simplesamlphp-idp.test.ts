import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { applyImport } from '../../../src/import/apply-import.ts';
import { freePort } from '../../../src/store/free-port.ts';
import { launchChromium, startCallbackServer } from '../../helpers/chromium.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { until } from '../../helpers/eventually.ts';
import { discover } from '../../helpers/relying-party.ts';
import { SAML_FIXTURES } from '../../helpers/saml.ts';

const SSP_WWW = '/usr/share/simplesamlphp/www';
const HANA = { username: 'hana', password: crypto.randomBytes(12).toString('base64url'), email: 'hana@corp.example', name: 'Hana Corp' };

/**
 * SimpleSAMLphp as a company's SAML IdP, and Gatehouse as its service provider (the SP bridge),
 * driven by Chromium: a person picks "Sign in with Corp SSO" on Gatehouse's login page, signs in
 * at SimpleSAMLphp, comes back with a signed assertion, and the relying party gets the account.
 */
describe('SimpleSAMLphp as the upstream SAML IdP', () => {
  let gatehouse: TestGatehouse;
  let ssp: ChildProcess;
  let sspLog = '';
  let chromium: Browser;
  let callback: Awaited<ReturnType<typeof startCallbackServer>>;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-simplesamlphp-'));

  beforeAll(async () => {
    if (!fs.existsSync(SSP_WWW)) throw new Error('SimpleSAMLphp is not installed: apt-get install simplesamlphp php-cli');
    callback = await startCallbackServer();
    gatehouse = await startGatehouse({ env: { LOGIN_RATE_LIMIT: '1000' } });
    await gatehouse.running.core.clients.create({
      client_id: 'portal', client_secret: 'portal-secret-0123456789', redirect_uris: [callback.redirectUri],
      grant_types: ['authorization_code'], response_types: ['code'], first_party: true,
    });

    const port = await freePort();
    const base = `http://127.0.0.1:${port}/`;
    for (const dir of ['cert', 'metadata', 'log', 'data', 'tmp']) fs.mkdirSync(path.join(work, dir));
    fs.copyFileSync(path.join(SAML_FIXTURES, 'other-signing.crt'), path.join(work, 'cert/idp.crt'));
    fs.copyFileSync(path.join(SAML_FIXTURES, 'other-signing.key'), path.join(work, 'cert/idp.key'));
    fs.writeFileSync(path.join(work, 'config.php'), `<?php
$config = [
  'baseurlpath' => '${base}',
  'certdir' => '${work}/cert/', 'loggingdir' => '${work}/log/', 'datadir' => '${work}/data/', 'tempdir' => '${work}/tmp',
  'metadatadir' => '${work}/metadata/',
  'metadata.sources' => [['type' => 'flatfile'], ['type' => 'xml', 'file' => '${work}/gatehouse-sp.xml']],
  'secretsalt' => '${crypto.randomBytes(16).toString('hex')}',
  'auth.adminpassword' => '${crypto.randomBytes(16).toString('hex')}',
  'technicalcontact_email' => 'it@corp.example',
  'timezone' => 'UTC',
  'logging.handler' => 'file', 'logging.logfile' => 'simplesamlphp.log', 'logging.level' => SimpleSAML\\Logger::WARNING,
  'store.type' => 'phpsession',
  'enable.saml20-idp' => true,
  'module.enable' => ['exampleauth' => true],
];`);
    fs.writeFileSync(path.join(work, 'authsources.php'), `<?php
$config = [
  'admin' => ['core:AdminPassword'],
  'corp-users' => ['exampleauth:UserPass',
    '${HANA.username}:${HANA.password}' => ['uid' => ['${HANA.username}'], 'mail' => ['${HANA.email}'], 'displayName' => ['${HANA.name}']],
  ],
];`);
    fs.writeFileSync(path.join(work, 'metadata/saml20-idp-hosted.php'), `<?php
$metadata['__DYNAMIC:1__'] = [
  'host' => '__DEFAULT__',
  'privatekey' => 'idp.key',
  'certificate' => 'idp.crt',
  'auth' => 'corp-users',
  'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'saml20.sign.response' => true,
  'attributes.NameFormat' => 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
  // a stable subject: the user's uid, in the format the SP asks for
  'NameIDFormat' => 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  'authproc' => [10 => ['class' => 'saml:AttributeNameID', 'attribute' => 'uid', 'Format' => 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent']],
];`);
    // Gatehouse's SP metadata goes here once Gatehouse knows the IdP; SimpleSAMLphp reads it on every request
    fs.writeFileSync(path.join(work, 'gatehouse-sp.xml'), '<EntitiesDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"/>');
    ssp = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', SSP_WWW], { env: { ...process.env, SIMPLESAMLPHP_CONFIG_DIR: work }, stdio: ['ignore', 'pipe', 'pipe'] });
    ssp.stdout!.on('data', (chunk) => (sspLog += chunk));
    ssp.stderr!.on('data', (chunk) => (sspLog += chunk));
    let idpMetadata = '';
    await until(async () => {
      idpMetadata = await fetch(`${base}saml2/idp/metadata.php?output=xml`).then((r) => r.text(), () => '');
      return idpMetadata.includes('IDPSSODescriptor');
    }, 'SimpleSAMLphp to serve its IdP metadata', 15_000).catch((error: Error) => {
      throw new Error(`${error.message}: ${sspLog}${idpMetadata.slice(0, 2000)}`);
    });
    await applyImport(gatehouse.running.core, {
      saml_identity_providers: [{ id: 'corp', display_name: 'Corp SSO', metadata: idpMetadata, claims: { email: 'mail', name: 'displayName' } }],
    }, 'inline', { dryRun: false });
    // Gatehouse's SP metadata for this upstream, as the company's IT would load it
    fs.writeFileSync(path.join(work, 'gatehouse-sp.xml'), await (await fetch(`${gatehouse.issuer}/saml/sp/corp/metadata`)).text());
    chromium = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await chromium?.close();
    ssp?.kill('SIGTERM');
    await gatehouse?.close();
    await callback?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('signs a person in with their company account: Gatehouse → SimpleSAMLphp → Gatehouse → the app', async () => {
    const rp = await discover(gatehouse.issuer, 'portal', 'portal-secret-0123456789');
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(rp, {
      redirect_uri: callback.redirectUri, scope: 'openid email profile', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const page = await (await chromium.newContext()).newPage();
    await page.goto(url.href);
    await page.getByRole('link', { name: 'Sign in with Corp SSO' }).click();
    await page.locator('#username').fill(HANA.username); // SimpleSAMLphp's own login page
    await page.locator('#password').fill(HANA.password);
    await page.locator('#submit_button').click();
    await page.waitForURL((u) => u.href.startsWith(callback.redirectUri));

    const tokens = await oidc.authorizationCodeGrant(rp, new URL(page.url()), { pkceCodeVerifier: verifier });
    expect(tokens.claims()).toMatchObject({ amr: ['fed'] });
    expect(await oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub)).toMatchObject({ email: HANA.email, name: HANA.name });
    expect(fs.readFileSync(path.join(work, 'log/simplesamlphp.log'), 'utf8')).not.toMatch(/ERROR/);
  });
});
