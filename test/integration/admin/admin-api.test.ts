// The admin API over HTTP: every route authorised, unauthorised (401), with the wrong scope (403),
// with an invalid body (400 naming the field), and every update refused when another came first (412).
import SwaggerParser from '@apidevtools/swagger-parser';
import * as oidc from 'openid-client';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { fixture } from '../../helpers/saml.ts';

let gatehouse: TestGatehouse;
let api: string;
const tokens: Record<'writer' | 'reader', string> = { writer: '', reader: '' };

/** A client_credentials client registered with these admin scopes, and a token it obtained. */
async function adminToken(clientId: string, scope: string, ask = scope): Promise<string> {
  const secret = `${clientId}-secret-0123456789abcdef`;
  await gatehouse.running.core.clients.create({
    client_id: clientId, client_secret: secret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope,
  });
  const rp = await discover(gatehouse.issuer, clientId, secret);
  return (await oidc.clientCredentialsGrant(rp, { scope: ask })).access_token;
}

interface Answer { status: number; body: Record<string, unknown>; headers: Headers }

async function call(method: string, path: string, { token = tokens.writer, body, ifMatch, raw }: { token?: string | null; body?: unknown; ifMatch?: string; raw?: string } = {}): Promise<Answer> {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(ifMatch ? { 'if-match': ifMatch } : {}),
    },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text && response.headers.get('content-type')?.includes('application/json') ? JSON.parse(text) : { text } };
}

beforeAll(async () => {
  gatehouse = await startGatehouse();
  api = `${gatehouse.issuer}/admin/api/v1`;
  tokens.writer = await adminToken('ops-writer', 'admin:read admin:write');
  tokens.reader = await adminToken('ops-reader', 'admin:read');
});
afterAll(() => gatehouse.close());

interface Operation { method: string; path: string; security: { adminToken: string[] }[]; requestBody?: unknown }

async function documented(): Promise<Operation[]> {
  const document = await (await fetch(`${gatehouse.issuer}/admin/api/openapi.json`)).json() as { openapi: string; paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>> };
  expect(document.openapi).toBe('3.1.0');
  return Object.entries(document.paths).flatMap(([path, operations]) => Object.entries(operations).map(([method, op]) => ({ method: method.toUpperCase(), path, ...op })));
}

/** A documented path with placeholders filled in. */
const concrete = (path: string) => path.replace('{id}', '00000000-0000-4000-8000-000000000000').replace(/\{\w+\}/g, 'none');

describe('admin API: authentication and scopes', () => {
  it('documents every route in OpenAPI 3.1, and every documented route exists and wants a token', async () => {
    const operations = await documented();
    expect(operations.length).toBeGreaterThanOrEqual(30);
    for (const op of operations) {
      const answer = await call(op.method, concrete(op.path), { token: null, ...(op.requestBody ? { body: {} } : {}) });
      expect([op.method, op.path, answer.status, answer.headers.get('www-authenticate')]).toEqual([op.method, op.path, 401, 'Bearer realm="gatehouse-admin"']);
    }
    // and nothing undocumented answers
    expect((await call('GET', '/nothing-here')).status).toBe(404);
    expect((await call('PUT', '/accounts')).status).toBe(405);
  });

  it('serves an OpenAPI document that a validator accepts', async () => {
    const document = await (await fetch(`${gatehouse.issuer}/admin/api/openapi.json`)).json();
    await expect(SwaggerParser.validate(document)).resolves.toMatchObject({ openapi: '3.1.0' });
  });

  it('refuses bad, foreign and revoked tokens with invalid_token', async () => {
    const bad = await call('GET', '/accounts', { token: 'not-a-token' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    // a token for another resource (the default API) is not an admin token
    const other = await adminToken('ops-other', 'admin:read', 'api');
    expect((await call('GET', '/accounts', { token: other })).body).toMatchObject({ error: 'invalid_token' });
    // a token whose client is deleted stops working at once
    const doomed = await adminToken('ops-doomed', 'admin:read');
    expect((await call('GET', '/accounts', { token: doomed })).status).toBe(200);
    expect((await call('DELETE', '/clients/ops-doomed')).status).toBe(204);
    expect((await call('GET', '/accounts', { token: doomed })).status).toBe(401);
  });

  it('takes a person\'s token for the admin resource only while the account holds the admin role', async () => {
    const core = gatehouse.running.core;
    await core.clients.create({
      client_id: 'ops-console', client_secret: 'ops-console-secret-0123456789', redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code'], response_types: ['code'], scope: 'openid admin:read',
    });
    const rp = await discover(gatehouse.issuer, 'ops-console', 'ops-console-secret-0123456789');
    const resource = `${gatehouse.issuer}/admin/api`;
    const tokenOf = async (email: string) => {
      const { callback, verifier, state, nonce } = await authorize(rp, { email, password: 'correct horse battery staple' }, { scope: 'openid admin:read', extra: { resource } });
      return (await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce }, { resource })).access_token;
    };
    const admin = await core.accounts.create({ email: 'root@example.com', password: 'correct horse battery staple', roles: ['admin'] });
    const person = await core.accounts.create({ email: 'staff@example.com', password: 'correct horse battery staple', roles: ['staff'] });
    const adminToken = await tokenOf('root@example.com');
    expect((await call('GET', '/accounts', { token: adminToken })).status).toBe(200);
    expect((await call('POST', '/roles', { token: adminToken, body: { name: 'x' } })).status).toBe(403); // admin:read only
    const staff = await call('GET', '/accounts', { token: await tokenOf('staff@example.com') });
    expect([staff.status, staff.body.error]).toEqual([403, 'insufficient_scope']);
    await core.accounts.update(admin.id, { roles: [] });
    expect((await call('GET', '/accounts', { token: adminToken })).status).toBe(403);

    // the person's sign-in session, listed by a handle that is not the id its cookie holds, and ended
    const [session] = (await call('GET', `/accounts/${person.id}/sessions`)).body.items as { id: string }[];
    const [real] = await core.store.sessions.list(person.id);
    expect(session!.id).toMatch(/^[\w-]{22}$/);
    expect(session!.id).not.toBe(real!.id);
    expect((await call('DELETE', `/accounts/${person.id}/sessions/${session!.id}`)).status).toBe(204);
    expect(await core.store.sessions.list(person.id)).toEqual([]);
  });

  it('gives admin scopes only to clients registered with them', async () => {
    await gatehouse.running.core.clients.create({
      client_id: 'plain-machine', client_secret: 'plain-machine-secret-0123456789', grant_types: ['client_credentials'], response_types: [], redirect_uris: [],
    });
    const rp = await discover(gatehouse.issuer, 'plain-machine', 'plain-machine-secret-0123456789');
    await expect(oidc.clientCredentialsGrant(rp, { scope: 'admin:write' })).rejects.toMatchObject({ error: 'invalid_target' });
  });

  it('answers 403 insufficient_scope on every write route for an admin:read token, and lets it read', async () => {
    for (const op of await documented()) {
      const answer = await call(op.method, concrete(op.path), { token: tokens.reader, ...(op.requestBody ? { body: {} } : {}) });
      if (op.security[0]!.adminToken[0] === 'admin:write') {
        expect([op.method, op.path, answer.status]).toEqual([op.method, op.path, 403]);
        expect(answer.headers.get('www-authenticate')).toMatch(/error="insufficient_scope".*scope="admin:write"/);
      } else {
        expect([op.method, op.path, answer.status]).not.toEqual([op.method, op.path, 403]);
        expect(answer.status).not.toBe(401);
      }
    }
  });
});

describe('admin API: validation', () => {
  it('refuses an unknown field in the body of every route that takes one, naming it', async () => {
    const withBody = (await documented()).filter((op) => op.requestBody);
    expect(withBody.length).toBeGreaterThanOrEqual(9);
    for (const op of withBody) {
      const answer = await call(op.method, concrete(op.path), { body: { kind: 'oidc', unexpected_field: 1 }, ifMatch: '*' });
      expect([op.method, op.path, answer.status, answer.body.error]).toEqual([op.method, op.path, 400, 'invalid_request']);
      expect(answer.body.error_description).toMatch(/^body/);
    }
  });
});

describe('admin API: accounts', () => {
  it('creates, reads, pages, searches and updates accounts with ETags', async () => {
    for (const n of [1, 2, 3, 4, 5]) {
      const created = await call('POST', '/accounts', { body: { email: `person${n}@example.com`, name: `Person ${n}`, roles: ['staff'] } });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(`${api}/accounts/${created.body.id}`);
      expect(created.body).not.toHaveProperty('password_hash');
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Answer = await call('GET', `/accounts?search=person&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: tokens.reader });
      expect((page.body.items as unknown[]).length).toBeLessThanOrEqual(2);
      seen.push(...(page.body.items as { email: string }[]).map((a) => a.email));
      cursor = page.body.next_cursor as string | null;
    } while (cursor);
    expect(seen).toEqual([1, 2, 3, 4, 5].map((n) => `person${n}@example.com`));

    const id = ((await call('GET', '/accounts?search=person3')).body.items as { id: string }[])[0]!.id;
    const read = await call('GET', `/accounts/${id}`);
    const etag = read.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const updated = await call('PATCH', `/accounts/${id}`, { body: { name: 'Person Three', roles: ['staff', 'billing'] }, ifMatch: etag });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'Person Three', roles: ['staff', 'billing'] });
    expect(updated.headers.get('etag')).not.toBe(etag);
  });

  it('refuses an update without If-Match (428) and one based on a stale version (412), changing nothing', async () => {
    const { body: account, headers } = await call('POST', '/accounts', { body: { email: 'race@example.com' } });
    const etag = headers.get('etag')!;
    expect((await call('PATCH', `/accounts/${account.id}`, { body: { name: 'No version' } })).status).toBe(428);
    // two operators read the same version; the first change wins, the second is told
    const first = await call('PATCH', `/accounts/${account.id}`, { body: { name: 'First' }, ifMatch: etag });
    const second = await call('PATCH', `/accounts/${account.id}`, { body: { name: 'Second' }, ifMatch: etag });
    expect([first.status, second.status]).toEqual([200, 412]);
    expect(second.body).toMatchObject({ error: 'precondition_failed' });
    expect((await call('GET', `/accounts/${account.id}`)).body.name).toBe('First');
    // at the same instant: one wins, the other is told, whatever the interleaving
    const current = (await call('GET', `/accounts/${account.id}`)).headers.get('etag')!;
    const racing = await Promise.all(['A', 'B', 'C'].map((name) => call('PATCH', `/accounts/${account.id}`, { body: { name }, ifMatch: current })));
    expect(racing.map((r) => r.status).sort()).toEqual([200, 412, 412]);
  });

  it('names the field of an invalid body or query', async () => {
    expect((await call('POST', '/accounts', { body: { email: 'not-an-email' } })).body).toEqual({ error: 'invalid_request', error_description: 'body.email: must be an email address' });
    expect((await call('POST', '/accounts', { body: { email: 'x@example.com', colour: 'red' } })).body.error_description).toMatch(/^body: .*colour/);
    expect((await call('POST', '/accounts', { raw: '{"email":' })).status).toBe(400);
    expect((await call('GET', '/accounts?limit=5000')).body.error_description).toMatch(/^query\.limit: /);
    expect((await call('GET', '/accounts/123')).body.error_description).toMatch(/^path\.id: must be an account id/);
    expect((await call('GET', '/accounts?cursor=garbage')).body.error_description).toMatch(/^cursor: /);
    const weak = await call('POST', '/accounts', { body: { email: 'weak@example.com', password: 'password123' } });
    expect([weak.status, weak.body.error]).toEqual([400, 'weak_password']);
    const taken = await call('POST', '/accounts', { body: { email: 'RACE@example.com' } });
    expect([taken.status, taken.body.error]).toEqual([409, 'email_taken']);
    expect((await call('GET', '/accounts/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('disables an account, resets its factors, lists and ends its sessions', async () => {
    const { body: account } = await call('POST', '/accounts', { body: { email: 'leaver@example.com' } });
    expect((await call('GET', `/accounts/${account.id}/sessions`)).body).toEqual({ items: [] });
    expect((await call('POST', `/accounts/${account.id}/reset-factors`)).body).toEqual({ removed: 0 });
    expect((await call('DELETE', `/accounts/${account.id}/sessions`)).body).toEqual({ ended: 0 });
    expect((await call('DELETE', `/accounts/${account.id}/sessions/nope`)).status).toBe(404);
    const disabled = await call('POST', `/accounts/${account.id}/disable`);
    expect(disabled.body).toMatchObject({ disabled: true });
  });
});

describe('admin API: clients, roles, SAML SPs, upstreams, keys', () => {
  it('registers a client, shows its secret once, rotates it, and refuses a stale patch', async () => {
    const created = await call('POST', '/clients', { body: { client_id: 'billing', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] } });
    expect(created.status).toBe(201);
    const secret = created.body.client_secret as string;
    expect(secret).toMatch(/^[\w-]{43}$/);
    expect(JSON.stringify((await call('GET', '/clients/billing')).body)).not.toContain(secret);
    const etag = (await call('GET', '/clients/billing')).headers.get('etag')!;
    expect((await call('PATCH', '/clients/billing', { body: { client_name: 'Billing' }, ifMatch: etag })).status).toBe(200);
    expect((await call('PATCH', '/clients/billing', { body: { client_name: 'Stale' }, ifMatch: etag })).status).toBe(412);
    expect((await call('PATCH', '/clients/billing', { body: { grant_types: ['password'] }, ifMatch: '*' })).status).toBe(400);
    expect((await call('PATCH', '/clients/billing', { body: { client_secret: 'mine' }, ifMatch: '*' })).body.error_description).toMatch(/^client_secret: /);
    const rotated = await call('POST', '/clients/billing/rotate-secret');
    const fresh = rotated.body.client_secret as string;
    await expect(oidc.clientCredentialsGrant(await discover(gatehouse.issuer, 'billing', fresh), { scope: 'api' })).resolves.toBeDefined();
    await expect(oidc.clientCredentialsGrant(await discover(gatehouse.issuer, 'billing', secret), { scope: 'api' })).rejects.toMatchObject({ error: 'invalid_client' });
    expect((await call('POST', '/clients', { body: { client_id: 'billing', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] } })).status).toBe(409);
    expect((await call('POST', '/clients', { body: { client_id: 'x', colour: 'red' } })).body.error_description).toBe('body.colour: is not a client metadata name Gatehouse knows');
  });

  it('creates an API key, shows it once, and revokes it', async () => {
    const created = await call('POST', '/api-keys', { body: { name: 'exporter', scopes: ['api'], expires_in_days: 7 } });
    expect(created.status).toBe(201);
    const { key, api_key: apiKey } = created.body as { key: string; api_key: { id: string } };
    const rp = await discover(gatehouse.issuer, apiKey.id, key, oidc.ClientSecretBasic(key));
    await expect(oidc.clientCredentialsGrant(rp, { scope: 'api' })).resolves.toBeDefined();
    const read = await call('GET', `/api-keys/${apiKey.id}`);
    expect(read.body).toMatchObject({ id: apiKey.id, name: 'exporter', scopes: ['api'], revoked_at: null, created_by: 'client:ops-writer' });
    expect(JSON.stringify(read.body) + JSON.stringify((await call('GET', '/api-keys')).body)).not.toContain(key.split('.')[1]);
    expect((await call('POST', `/api-keys/${apiKey.id}/revoke`)).status).toBe(204);
    await expect(oidc.clientCredentialsGrant(rp, { scope: 'api' })).rejects.toBeDefined();
    expect((await call('POST', '/api-keys', { body: { name: 'x', scopes: ['nope'] } })).body.error_description).toMatch(/^scopes: nope not accepted/);
  });

  it('manages roles with ETags', async () => {
    expect((await call('POST', '/roles', { body: { name: 'auditor', permissions: ['audit:read'] } })).status).toBe(201);
    const etag = (await call('GET', '/roles/auditor')).headers.get('etag')!;
    expect((await call('PATCH', '/roles/auditor', { body: { permissions: ['audit:read', 'audit:export'] }, ifMatch: etag })).body).toMatchObject({ permissions: ['audit:read', 'audit:export'] });
    expect((await call('PATCH', '/roles/auditor', { body: { description: 'stale' }, ifMatch: etag })).status).toBe(412);
    const current = (await call('GET', '/roles/auditor')).headers.get('etag')!;
    const racing = await Promise.all(['one', 'two'].map((description) => call('PATCH', '/roles/auditor', { body: { description }, ifMatch: current })));
    expect(racing.map((r) => r.status).sort()).toEqual([200, 412]);
    expect((await call('PATCH', '/roles/auditor', { body: { permissions: 'audit:read' }, ifMatch: '*' })).body.error_description).toMatch(/^body\.permissions: /);
    // a permission for one audience (a resource or a client) reads back as it was written
    const qualified = { permission: 'audit:export', audience: 'https://audit.example.com' };
    await call('PATCH', '/roles/auditor', { body: { permissions: ['audit:read', qualified] }, ifMatch: '*' });
    expect((await call('GET', '/roles/auditor')).body).toMatchObject({ permissions: ['audit:read', qualified] });
    expect((await call('DELETE', '/roles/auditor')).status).toBe(204);
    expect((await call('GET', '/roles/auditor')).status).toBe(404);
  });

  it('adds a SAML SP from metadata, updates its settings with If-Match, and removes it', async () => {
    const metadata = fixture('plain-sp-metadata.xml');
    const entityId = /entityID="([^"]+)"/.exec(metadata)![1]!;
    const created = await call('POST', '/saml-service-providers', { body: { metadata, attributes: { email: 'mail' } } });
    expect(created.status).toBe(201);
    const path = `/saml-service-providers/${encodeURIComponent(entityId)}`;
    const etag = (await call('GET', path)).headers.get('etag')!;
    const updated = await call('PUT', path, { body: { idp_initiated: true, attributes: { email: 'mail' } }, ifMatch: etag });
    expect(updated.body).toMatchObject({ entity_id: entityId, settings: { idpInitiated: true, attributes: { email: 'mail' } } });
    expect((await call('PUT', path, { body: { idp_initiated: false }, ifMatch: etag })).status).toBe(412);
    expect((await call('POST', '/saml-service-providers', { body: { metadata: '<not-metadata/>' } })).status).toBe(400);
    expect((await call('POST', '/saml-service-providers', { body: { metadata_file: '/etc/passwd' } })).body.error_description).toMatch(/^body: .*metadata_file/);
    expect((await call('DELETE', path)).status).toBe(204);
  });

  it('adds an upstream OIDC provider without ever showing its secret', async () => {
    const body = { kind: 'oidc', id: 'corp', display_name: 'Corp', issuer: 'https://login.corp.example', client_id: 'gh', client_secret: 'upstream-secret' };
    const created = await call('POST', '/identity-providers', { body });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain('upstream-secret');
    const etag = created.headers.get('etag')!;
    const { client_secret: _s, ...withoutSecret } = body;
    expect((await call('PUT', '/identity-providers/corp', { body: { ...withoutSecret, display_name: 'Corp SSO' }, ifMatch: etag })).body).toMatchObject({ displayName: 'Corp SSO', has_client_secret: true });
    expect((await call('PUT', '/identity-providers/corp', { body: withoutSecret, ifMatch: etag })).status).toBe(412);
    expect((await call('POST', '/identity-providers', { body: { ...body, kind: 'ldap' } })).status).toBe(400);
    expect((await call('DELETE', '/identity-providers/corp')).status).toBe(204);
  });

  it('manages organizations, their members and invitations, with ETags', async () => {
    const created = await call('POST', '/organizations', { body: { slug: 'acme', name: 'Acme', primary_color: '#112233', require_mfa: true } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ slug: 'acme', name: 'Acme', primary_color: '#112233', require_mfa: true });
    const etag = (await call('GET', '/organizations/acme')).headers.get('etag')!;
    expect((await call('GET', `/organizations/${created.body.id}`)).headers.get('etag')).toBe(etag);
    expect((await call('PATCH', '/organizations/acme', { body: { name: 'Acme Corp' }, ifMatch: etag })).body).toMatchObject({ name: 'Acme Corp' });
    expect((await call('PATCH', '/organizations/acme', { body: { name: 'Stale' }, ifMatch: etag })).status).toBe(412);
    expect((await call('PATCH', '/organizations/acme', { body: { primary_color: 'red;}' }, ifMatch: '*' })).body.error_description).toMatch(/^body\.primary_color: /);
    expect((await call('POST', '/organizations', { body: { slug: 'acme', name: 'Again' } })).status).toBe(409);

    await call('POST', '/accounts', { body: { email: 'member@example.com' } });
    const member = await call('PUT', '/organizations/acme/members', { body: { email: 'member@example.com', roles: ['owner'] } });
    expect(member.body).toMatchObject({ roles: ['owner'] });
    expect((await call('GET', '/organizations/acme/members')).body.items).toEqual([expect.objectContaining({ account_id: member.body.account_id, roles: ['owner'] })]);
    expect((await call('PUT', '/organizations/acme/members', { body: { email: 'nobody@example.com' } })).status).toBe(404);
    expect((await call('POST', '/organizations/acme/invitations', { body: { email: 'new@example.com', roles: ['viewer'] } })).status).toBe(202);
    expect((await call('DELETE', `/organizations/acme/members/${encodeURIComponent('member@example.com')}`)).status).toBe(204);
    expect((await call('GET', '/organizations/acme/members')).body.items).toEqual([]);
    expect((await call('DELETE', '/organizations/acme')).status).toBe(204);
    expect((await call('GET', '/organizations/acme')).status).toBe(404);
  });

  it('lists and rotates the signing keys without their private parts', async () => {
    const before = (await call('GET', '/signing-keys')).body.items as { kid: string; state: string }[];
    expect(JSON.stringify(before)).not.toMatch(/"d"/);
    const rotation = await call('POST', '/signing-keys/rotate');
    expect(rotation.status).toBe(200);
    const after = rotation.body.items as { kid: string; state: string }[];
    expect(after.filter((k) => k.state === 'signing').map((k) => k.kid)).not.toEqual(expect.arrayContaining(before.filter((k) => k.state === 'signing').map((k) => k.kid)));
    expect(after.filter((k) => k.state === 'retired').map((k) => k.kid)).toEqual(expect.arrayContaining(before.filter((k) => k.state === 'signing').map((k) => k.kid)));
  });
});

describe('admin API: the audit log', () => {
  it('shows every change made through the API with its actor and a secret-free diff, and exports NDJSON', async () => {
    const page = await call('GET', '/audit-events?action=admin.client.*&actor=client:ops-writer', { token: tokens.reader });
    expect(page.body).toMatchObject({ items: expect.any(Array) });
    const actions = (page.body.items as { action: string; detail: unknown }[]).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['admin.client.create', 'admin.client.update', 'admin.client.rotate_secret', 'admin.client.delete']));
    expect(JSON.stringify(page.body)).toContain('[redacted]');
    const exported = await fetch(`${api}/audit-events/export?action=admin.*`, { headers: { authorization: `Bearer ${tokens.reader}` } });
    expect(exported.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await exported.text()).trim().split('\n').map((line) => JSON.parse(line) as { seq: number; action: string });
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.every((e, i) => i === 0 || e.seq > lines[i - 1]!.seq)).toBe(true);
    expect(lines.every((e) => e.action.startsWith('admin.'))).toBe(true);
    expect((await call('GET', '/audit-events?since=yesterday')).body.error_description).toMatch(/^query\.since: /);
    expect((await call('GET', '/risk-decisions')).status).toBe(200);
  });
});
