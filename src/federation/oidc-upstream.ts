import * as oidc from 'openid-client';
import { AppError } from '../app-error.ts';
import type { SingleUseStore } from '../accounts/single-use.ts';
import type { UpstreamIdentity } from './federation-service.ts';
import type { OidcUpstream } from './upstream.ts';

const STATE_SECONDS = 600;

/**
 * Sign-in with an upstream OpenID Provider (openid-client): discovery, the code flow with PKCE,
 * nonce and state (RFC 9700 §2.1), and its claims mapped to an identity.
 */
export function createOidcUpstreams({ issuer, pending, production }: { issuer: string; pending: SingleUseStore; production: boolean }) {
  const configs = new Map<string, Promise<oidc.Configuration>>();
  const callback = (upstream: OidcUpstream) => `${issuer}/federation/oidc/${upstream.id}/callback`;
  const configFor = (upstream: OidcUpstream) => {
    const key = JSON.stringify([upstream.id, upstream.issuer, upstream.clientId, upstream.clientSecret]);
    let config = configs.get(key);
    if (!config) {
      // plain http only outside production (a provider on this machine in development and tests)
      const insecure = !production && upstream.issuer.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : undefined;
      config = oidc.discovery(new URL(upstream.issuer), upstream.clientId, upstream.clientSecret, undefined, insecure);
      config.catch(() => configs.delete(key));
      configs.set(key, config);
    }
    return config.catch((error: Error) => {
      throw new AppError('upstream_unavailable', 503, `${upstream.displayName} cannot be reached right now (${error.message}). Try again in a moment.`, { expose: true });
    });
  };

  return {
    async start(upstream: OidcUpstream, uid: string): Promise<string> {
      const config = await configFor(upstream);
      const verifier = oidc.randomPKCECodeVerifier();
      const nonce = oidc.randomNonce();
      const state = oidc.randomState();
      await pending.put(`upstream-oidc:${state}`, { uid, upstreamId: upstream.id, verifier, nonce }, STATE_SECONDS);
      return oidc.buildAuthorizationUrl(config, {
        redirect_uri: callback(upstream), scope: upstream.scopes, state, nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      }).href;
    },

    /** The callback: the state is taken once, the code redeemed, the ID token checked. */
    async finish(upstream: OidcUpstream, url: URL): Promise<{ uid: string; identity: UpstreamIdentity }> {
      const state = url.searchParams.get('state') ?? '';
      const saved = state ? await pending.take(`upstream-oidc:${state}`) : undefined;
      if (!saved || saved.upstreamId !== upstream.id) throw new AppError('upstream_state', 400, 'This sign-in has expired or was already used. Start again.');
      if (url.searchParams.get('error')) {
        throw new AppError('upstream_refused', 403, `${upstream.displayName} did not sign you in (${url.searchParams.get('error_description') ?? url.searchParams.get('error')}).`);
      }
      const config = await configFor(upstream);
      const tokens = await oidc.authorizationCodeGrant(config, new URL(`${callback(upstream)}${url.search}`), {
        pkceCodeVerifier: String(saved.verifier), expectedNonce: String(saved.nonce), expectedState: state, idTokenExpected: true,
      }).catch((error: Error) => {
        throw new AppError('upstream_refused', 403, `The answer from ${upstream.displayName} was refused: ${error.message}.`);
      });
      let claims: Record<string, unknown> = { ...tokens.claims() };
      const { mapping } = upstream;
      const emailClaim = mapping.claims.email ?? 'email';
      if (claims[emailClaim] === undefined && tokens.access_token) {
        claims = { ...(await oidc.fetchUserInfo(config, tokens.access_token, String(claims.sub))), ...claims };
      }
      const text = (name: string | undefined) => (name && typeof claims[name] === 'string' ? (claims[name] as string) : undefined);
      const groups = mapping.roles ? claims[mapping.roles.from] : undefined;
      return {
        uid: String(saved.uid),
        identity: {
          subject: String(claims.sub),
          email: text(emailClaim),
          emailVerified: claims.email_verified === true,
          name: text(mapping.claims.name ?? 'name'),
          groups: Array.isArray(groups) ? groups.map(String) : typeof groups === 'string' ? [groups] : [],
        },
      };
    },
  };
}

export type OidcUpstreams = ReturnType<typeof createOidcUpstreams>;
