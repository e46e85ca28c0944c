import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { AppError } from '../app-error.ts';
import type { SingleUseStore } from '../accounts/single-use.ts';
import type { Factor, FactorStore } from './factor.ts';

const CHALLENGE_TTL = 300;

const refused = (why: string) => new AppError('passkey_refused', 400, `The passkey could not be used: ${why}.`);

/**
 * WebAuthn passkeys (W3C WebAuthn Level 3, via @simplewebauthn/server): registered from the
 * account page, used as a second factor or alone with a discoverable credential. User
 * verification is required, so a passkey is itself two factors (RFC 8176: hwk + user, mfa).
 * Each challenge is stored for its ceremony and taken once (DESIGN §4.8).
 */
export function createPasskeys(factors: FactorStore, challenges: SingleUseStore, { issuer, service }: { issuer: string; service: string }) {
  const origin = new URL(issuer).origin;
  const rpID = new URL(issuer).hostname;
  const credentialOf = (factor: Factor) => ({
    id: factor.credentialId!, publicKey: new Uint8Array(factor.publicKey!), counter: factor.counter ?? 0, transports: (factor.transports ?? []) as never,
  });
  // Each challenge is kept under its own key, so ceremonies started side by side (passkey
  // autofill and the button) do not spoil each other; the response's challenge is taken once.
  const keepChallenge = (ceremony: string, challenge: string) => challenges.put(`webauthn:${ceremony}:${challenge}`, {}, CHALLENGE_TTL);
  const expectedChallenge = (ceremony: string) => async (challenge: string) => Boolean(await challenges.take(`webauthn:${ceremony}:${challenge}`));

  return {
    amr: ['hwk', 'user', 'mfa'],

    /** Options for creating a passkey; `ceremony` names where the challenge is kept. */
    async registrationOptions(ceremony: string, account: { id: string; email: string; name: string | null }) {
      const existing = await factors.list(account.id, 'passkey');
      const options = await generateRegistrationOptions({
        rpName: service, rpID, userName: account.email, userDisplayName: account.name ?? account.email,
        userID: new TextEncoder().encode(account.id), attestationType: 'none',
        excludeCredentials: existing.map((f) => ({ id: f.credentialId!, transports: f.transports ?? undefined })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      });
      await keepChallenge(ceremony, options.challenge);
      return options;
    },

    async register(ceremony: string, accountId: string, response: unknown, name: string): Promise<Factor> {
      const result = await verifyRegistrationResponse({
        response: response as RegistrationResponseJSON, expectedChallenge: expectedChallenge(ceremony), expectedOrigin: origin, expectedRPID: rpID, requireUserVerification: true,
      }).catch((error: Error) => { throw refused(error.message); });
      if (!result.verified) throw refused('the authenticator response did not verify');
      const { credential } = result.registrationInfo;
      if (await factors.findByCredentialId(credential.id)) throw refused('it is already registered');
      return factors.add({
        accountId, kind: 'passkey', name, credentialId: credential.id, publicKey: credential.publicKey,
        counter: credential.counter, transports: credential.transports ?? [],
      });
    },

    /** Options for signing in: any discoverable passkey, or (as a second factor) the account's own. */
    async authenticationOptions(ceremony: string, accountId?: string) {
      const own = accountId ? await factors.list(accountId, 'passkey') : [];
      const options = await generateAuthenticationOptions({
        rpID, userVerification: 'required',
        allowCredentials: own.map((f) => ({ id: f.credentialId!, transports: f.transports as never })),
      });
      await keepChallenge(ceremony, options.challenge);
      return options;
    },

    /** Verifies an assertion; answers the account it belongs to (and must belong to, when given). */
    async authenticate(ceremony: string, response: unknown, accountId?: string): Promise<string> {
      const id = (response as { id?: unknown } | null)?.id;
      const factor = typeof id === 'string' ? await factors.findByCredentialId(id) : undefined;
      if (!factor || factor.kind !== 'passkey' || (accountId && factor.accountId !== accountId)) throw refused('it is not registered here');
      const result = await verifyAuthenticationResponse({
        response: response as AuthenticationResponseJSON, expectedChallenge: expectedChallenge(ceremony), expectedOrigin: origin, expectedRPID: rpID,
        credential: credentialOf(factor), requireUserVerification: true,
      }).catch((error: Error) => { throw refused(error.message); });
      // (the library also refuses a signature counter that went backwards: a cloned authenticator, WebAuthn §6.1.1)
      if (!result.verified) throw refused('the signature did not verify');
      await factors.touch(factor.id, result.authenticationInfo.newCounter);
      return factor.accountId;
    },
  };
}

export type Passkeys = ReturnType<typeof createPasskeys>;
