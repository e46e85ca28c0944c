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

  /** Rotates the keys file as `gatehouse keys rotate` does and tells the running server. */
  const rotateKeys = async (retention: number, expectedKeys: number) => {
    const { keysFile } = gatehouse.running.core.config;
    writeKeysFile(keysFile, await rotate(readKeysFile(keysFile)!, retention));
    await gatehouse.running.core.store.announceKeys();
    for (let i = 0; i < 50 && (await jwks()).keys.length !== expectedKeys; i++) await new Promise((r) => setTimeout(r, 100));
  };

  it('signs with the new key at once, without a restart, and keeps publishing the old one', async () => {
    const before = await idToken();
    const oldKid = decodeProtectedHeader(before).kid;
    await rotateKeys(3600, 4);

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
    await rotateKeys(0, 2);
    expect((await jwks()).keys).toHaveLength(2);
  });

  it('keeps the rotated keys across a restart', async () => {
    const kids = (await jwks()).keys.map((k) => k.kid);
    gatehouse = await gatehouse.restart();
    expect((await jwks()).keys.map((k) => k.kid)).toEqual(kids);
    expect(kids).toContain(decodeProtectedHeader(await idToken()).kid);
  });
});
