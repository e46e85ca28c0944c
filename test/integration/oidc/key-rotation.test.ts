import * as oidc from 'openid-client';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { readKeysFile, rotate, writeKeysFile } from '../../../src/keys/signing-keys.ts';
import { startGatehouse, type TestGatehouse } from '../../helpers/gatehouse.ts';
import { authorize, discover } from '../../helpers/relying-party.ts';
import { ALICE, seedWebApp, WEB_APP } from '../../helpers/seed.ts';

describe('signing key rotation', () => {
  let gatehouse: TestGatehouse;

  beforeAll(async () => {
    gatehouse = await startGatehouse();
    await seedWebApp(gatehouse.running.core);
  });
  afterAll(() => gatehouse.close());

  const idToken = async () => {
    const rp = await discover(gatehouse.issuer, WEB_APP.id, WEB_APP.secret);
    const { callback, verifier, nonce, state } = await authorize(rp, ALICE, { scope: 'openid' });
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
    return tokens.id_token!;
  };
  const jwks = async () => (await fetch(`${gatehouse.issuer}/jwks`)).json() as Promise<JSONWebKeySet>;

  it('signs with the new key after a restart and keeps publishing the old one', async () => {
    const before = await idToken();
    const oldKid = decodeProtectedHeader(before).kid;
    const { keysFile } = gatehouse.running.core.config;
    writeKeysFile(keysFile, await rotate(readKeysFile(keysFile)!, 3600));

    gatehouse = await gatehouse.restart();

    const after = await idToken();
    const newKid = decodeProtectedHeader(after).kid;
    expect(newKid).not.toBe(oldKid);
    const published = await jwks();
    expect(published.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));
    expect(published.keys).toHaveLength(4);
    // A token signed before the rotation still verifies against what is published now.
    await expect(jwtVerify(before, createLocalJWKSet(published), { issuer: gatehouse.issuer })).resolves.toBeDefined();
  });

  it('stops publishing retired keys once their tokens can no longer be alive', async () => {
    const { keysFile } = gatehouse.running.core.config;
    writeKeysFile(keysFile, await rotate(readKeysFile(keysFile)!, 0));
    gatehouse = await gatehouse.restart();
    expect((await jwks()).keys).toHaveLength(2);
  });
});
