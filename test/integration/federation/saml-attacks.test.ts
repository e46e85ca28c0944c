import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { applyImport } from '../../../src/import/apply-import.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { samlifyIdp } from '../../helpers/samlify-idp.ts';

const ATTACKS = path.resolve('test/fixtures/saml/attacks');
const REQUEST_ID = '_gatehouse-request-fixture'; // what every file answers (see generate.ts)

/**
 * The corpus of hostile responses (test/fixtures/saml/attacks, one file per attack, made by
 * generate.ts for the SP https://gatehouse.test/saml/sp/corp): each is refused at the ACS, and
 * nothing is provisioned or linked from it. valid.xml, the control, gets through.
 */
describe('SAML SP bridge against the attack corpus', () => {
  let gatehouse: TestGatehouse;
  let db: pg.Client;

  beforeAll(async () => {
    // the corpus is for this SP entity ID; requests go to the listening address
    gatehouse = await startGatehouse({ env: { ISSUER: 'https://gatehouse.test' } });
    await applyImport(gatehouse.running.core, {
      saml_identity_providers: [{ id: 'corp', display_name: 'Corp', metadata: samlifyIdp().metadata, claims: { email: 'mail' } }],
    }, 'inline', { dryRun: false });
    db = new pg.Client({ connectionString: gatehouse.running.core.config.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await gatehouse.close();
  });

  /** Posts a corpus file to the ACS as the answer to a request of ours, in a sign-in of ours. */
  const post = async (file: string) => {
    const { singleUse } = gatehouse.running.core.store;
    await singleUse.put(`saml-sp-request:${REQUEST_ID}`, { value: new Date().toISOString() }, 600);
    const relayState = crypto.randomBytes(12).toString('base64url');
    await singleUse.put(`upstream-saml:${relayState}`, { uid: 'fixture-sign-in', upstreamId: 'corp' }, 600);
    const body = new URLSearchParams({ SAMLResponse: fs.readFileSync(path.join(ATTACKS, file)).toString('base64'), RelayState: relayState });
    return fetch(`${gatehouse.running.url}/saml/sp/corp/acs`, {
      method: 'POST', body, redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    });
  };
  const provisioned = async () => ({
    accounts: (await db.query('SELECT email FROM accounts')).rows,
    links: (await db.query('SELECT subject FROM federated_identities')).rows,
  });

  const attacks = fs.readdirSync(ATTACKS).filter((f) => f.endsWith('.xml') && f !== 'valid.xml');

  it('has the attacks the issue names', () => {
    expect(attacks).toEqual(expect.arrayContaining([
      'unsigned.xml', 'wrong-audience.xml', 'expired.xml', 'wrong-recipient.xml', 'dtd-xxe.xml', 'comment-truncated-nameid.xml',
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => expect.stringMatching(new RegExp(`^xsw${n}-`))),
    ]));
  });

  it.each(attacks)('refuses %s, records it, and provisions nothing', async (file) => {
    const before = (await db.query("SELECT count(*)::int AS n FROM security_events WHERE kind = 'federation_failed'")).rows[0].n as number;
    const response = await post(file);
    expect([400, 403]).toContain(response.status);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toMatch(/was refused|document type declaration/);
    expect(await provisioned()).toEqual({ accounts: [], links: [] });
    expect((await db.query("SELECT count(*)::int AS n FROM security_events WHERE kind = 'federation_failed'")).rows[0].n).toBe(before + 1);
  });

  it('lets the valid control through to its sign-in, once: a replay is refused', async () => {
    const first = await post('valid.xml');
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toMatch(/^\/interaction\/fixture-sign-in\/upstream\/corp\/complete\?key=/);
    const again = await post('valid.xml');
    expect(again.status).toBe(403);
  });
});
