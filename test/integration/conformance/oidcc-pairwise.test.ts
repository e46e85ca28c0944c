// OIDC Core §8.1 pairwise subject identifiers, as the oidcc-basic plan's pairwise variant checks them.
import * as oidc from 'openid-client';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover, REDIRECT_URI } from '../../helpers/relying-party.ts';
import { ALICE } from '../../helpers/seed.ts';

let gatehouse: TestGatehouse;

beforeAll(async () => {
  gatehouse = await startGatehouse();
  const { core } = gatehouse.running;
  await core.accounts.create({ ...ALICE, emailVerified: true });
  const client = (id: string, redirect: string, subjectType: string) => core.clients.create({
    client_id: id, client_secret: `${id}-secret-0123456789abcdef`, redirect_uris: [redirect], subject_type: subjectType,
    grant_types: ['authorization_code'], response_types: ['code'], first_party: true,
  });
  await client('pairwise-a', REDIRECT_URI, 'pairwise');
  await client('pairwise-b', 'http://127.0.0.2:9/callback', 'pairwise'); // another sector (host)
  await client('public-c', REDIRECT_URI, 'public');
});
afterAll(() => gatehouse.close());

async function subjectFor(clientId: string, redirectUri = REDIRECT_URI): Promise<string> {
  const rp = await discover(gatehouse.issuer, clientId, `${clientId}-secret-0123456789abcdef`);
  const { callback, verifier, nonce, state } = await authorize(rp, ALICE, { scope: 'openid', redirectUri });
  const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
  const userinfo = await oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub);
  expect(userinfo.sub).toBe(tokens.claims()!.sub);
  return tokens.claims()!.sub;
}

describe('oidcc-basic, pairwise', () => {
  it('advertises pairwise subjects', async () => {
    const config = await (await fetch(`${gatehouse.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    expect(config.subject_types_supported).toEqual(['public', 'pairwise']);
  });

  it('gives each sector its own stable subject, unlike the public one', async () => {
    const account = await gatehouse.running.core.accounts.findByEmail(ALICE.email);
    const a = await subjectFor('pairwise-a');
    expect(await subjectFor('pairwise-a')).toBe(a);
    const b = await subjectFor('pairwise-b', 'http://127.0.0.2:9/callback');
    expect(new Set([a, b, account!.id]).size).toBe(3);
    expect(await subjectFor('public-c')).toBe(account!.id);
  });
});
