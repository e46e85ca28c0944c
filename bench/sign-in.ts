import os from 'node:os';
import argon2 from 'argon2';
import * as oidc from 'openid-client';
import { ARGON2_PARAMS } from '../src/accounts/password-hasher.ts';
import { authorize, discover } from '../test/helpers/relying-party.ts';

export interface Rate { perSecond: number; refused: number }

/**
 * Full sign-ins, end to end as a browser and relying party do them: authorization request,
 * login form, consent skipped (first-party), code exchange with PKCE, ID token checked.
 */
export async function signIns(issuer: string, client: { id: string; secret: string }, user: { email: string; password: string },
  seconds: number, concurrency: number): Promise<Rate> {
  const rp = await discover(issuer, client.id, client.secret);
  const end = Date.now() + seconds * 1000;
  let done = 0;
  let refused = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) {
      try {
        const { callback, verifier, nonce, state } = await authorize(rp, user, { scope: 'openid' });
        await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
        done++;
      } catch {
        refused++;
      }
    }
  }));
  return { perSecond: done / seconds, refused };
}

/** The ceiling: argon2id verifies per second on this machine, one per core at a time. */
export async function argon2Ceiling(seconds: number): Promise<number> {
  const hash = await argon2.hash('a benchmark passphrase', ARGON2_PARAMS);
  const end = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(Array.from({ length: os.availableParallelism() }, async () => {
    while (Date.now() < end) {
      await argon2.verify(hash, 'a benchmark passphrase');
      done++;
    }
  }));
  return done / seconds;
}

/**
 * Many more concurrent sign-in attempts than cores, for `seconds`, as a credential-stuffing
 * script makes them: each worker opens an interaction once, then posts passwords to it.
 */
export async function signInStorm(issuer: string, seconds: number, concurrency: number): Promise<{ attempts: number; refused: number }> {
  const end = Date.now() + seconds * 1000;
  let attempts = 0;
  let refused = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    const form = await openInteraction(issuer);
    while (Date.now() < end) {
      const posted = await fetch(form.action, {
        method: 'POST', redirect: 'manual',
        headers: { cookie: form.cookies, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf: form.csrf, email: 'storm@example.com', password: 'a wrong passphrase' }).toString(),
      });
      await posted.arrayBuffer();
      attempts++;
      if (posted.status === 429) refused++;
    }
  }));
  return { attempts, refused };
}

async function openInteraction(issuer: string): Promise<{ action: string; cookies: string; csrf: string }> {
  const auth = await fetch(`${issuer}/auth?client_id=bench-web&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('http://127.0.0.1:9/callback')}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`, { redirect: 'manual' });
  const cookies = auth.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const location = new URL(auth.headers.get('location')!, issuer);
  const page = await (await fetch(location, { headers: { cookie: cookies } })).text();
  return { action: `${location.href}/login`, cookies, csrf: /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '' };
}
