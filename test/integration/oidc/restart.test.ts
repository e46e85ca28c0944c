import * as oidc from 'openid-client';
import { startGatehouse, STORAGE_KINDS, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover } from '../../helpers/relying-party.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';

describe.each(STORAGE_KINDS)('across a restart (%s)', (storage) => {
  let gatehouse: TestGatehouse;

  beforeAll(async () => {
    gatehouse = await startGatehouse({ storage });
    await seedWebApp(gatehouse.running.core);
  });
  afterAll(() => gatehouse.close());

  it('honours a refresh token issued before the restart, and its ID tokens still verify', async () => {
    const before = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
    const { callback, verifier, nonce, state } = await authorize(before, ALICE);
    const tokens = await oidc.authorizationCodeGrant(before, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
    const { sub } = tokens.claims()!;

    gatehouse = await gatehouse.restart();

    const after = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
    const refreshed = await oidc.refreshTokenGrant(after, tokens.refresh_token!);
    expect(refreshed.claims()!.sub).toBe(sub); // openid-client verified it with the JWKS served now
    expect(await oidc.fetchUserInfo(after, refreshed.access_token, sub)).toMatchObject({ email: ALICE.email });
  });
});
