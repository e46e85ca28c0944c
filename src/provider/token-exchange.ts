import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { errors, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { TokenExchangeRule } from '../config/config.ts';

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
export const TOKEN_EXCHANGE_PARAMETERS = [
  'subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'requested_token_type', 'audience', 'resource', 'scope',
];

export interface Exchange { client: string; subject: string; actor?: string; audience: string; scope: string }

interface Deps {
  issuer: string;
  rules: TokenExchangeRule[];
  /** The private signing keys in use, to verify JWT access tokens presented as subject or actor. */
  signingKeys: () => JWK[];
  resourceServer: (indicator: string) => ResourceServer | undefined;
  onExchange: (exchange: Exchange) => void;
}

interface Presented { sub: string; accountId?: string; scopes: Set<string> }

/**
 * RFC 8693 token exchange, for the clients TOKEN_EXCHANGE_POLICY names: an access token of ours
 * for a user (the subject) becomes one for another audience, either as the user
 * (impersonation) or with the caller named in `act` (delegation, with an actor token).
 */
export function tokenExchangeHandler({ issuer, rules, signingKeys, resourceServer, onExchange }: Deps) {
  const publicKeys = () => createLocalJWKSet({ keys: signingKeys().map(({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub }) => pub) });

  async function read(ctx: KoaContextWithOIDC, token: string, name: string): Promise<Presented> {
    const { provider } = ctx.oidc;
    if (token.split('.').length === 3) {
      const { payload } = await jwtVerify(token, publicKeys(), { issuer, typ: 'at+jwt' }).catch(() => {
        throw new errors.InvalidGrant(`${name} is not a valid access token`);
      });
      const user = payload.sub !== payload.client_id;
      return { sub: String(payload.sub), accountId: user ? String(payload.sub) : undefined, scopes: new Set(String(payload.scope ?? '').split(' ').filter(Boolean)) };
    }
    const stored = (await provider.AccessToken.find(token)) ?? (await provider.ClientCredentials.find(token));
    if (!stored || stored.isExpired) throw new errors.InvalidGrant(`${name} is not an active access token`);
    const accountId = (stored as { accountId?: string }).accountId;
    return { sub: accountId ?? stored.clientId!, accountId, scopes: new Set(String(stored.scope ?? '').split(' ').filter(Boolean)) };
  }

  return async function tokenExchange(ctx: KoaContextWithOIDC): Promise<void> {
    const { params, client, provider } = ctx.oidc;
    const p = params as Record<string, string | undefined>;
    const rule = rules.find((r) => r.client === client!.clientId);
    if (!rule) throw new errors.UnauthorizedClient('this client may not exchange tokens');
    if (p.subject_token === undefined || p.subject_token_type !== ACCESS_TOKEN_TYPE) {
      throw new errors.InvalidRequest(`subject_token and subject_token_type ${ACCESS_TOKEN_TYPE} are required`);
    }
    if (p.requested_token_type !== undefined && p.requested_token_type !== ACCESS_TOKEN_TYPE) {
      throw new errors.InvalidRequest('only access tokens can be requested');
    }
    if ((p.actor_token === undefined) !== (p.actor_token_type === undefined) || (p.actor_token_type && p.actor_token_type !== ACCESS_TOKEN_TYPE)) {
      throw new errors.InvalidRequest(`actor_token needs actor_token_type ${ACCESS_TOKEN_TYPE}`);
    }
    if (p.actor_token ? !rule.delegation : !rule.impersonation) {
      throw new errors.UnauthorizedClient(p.actor_token ? 'this client may not act on behalf of users' : 'this client may not impersonate users');
    }

    const subject = await read(ctx, p.subject_token, 'subject_token');
    if (!subject.accountId) throw new errors.InvalidGrant('subject_token does not stand for a user');
    const actor = p.actor_token ? await read(ctx, p.actor_token, 'actor_token') : undefined;

    const target = p.resource ?? p.audience;
    const server = target && rule.audiences.includes(target) ? resourceServer(target) : undefined;
    if (!target || !server) throw new errors.InvalidTarget('resource or audience must name a resource this client may exchange tokens for');
    const allowed = new Set(rule.scopes.filter((s) => subject.scopes.has(s) && server.scope?.split(' ').includes(s)));
    const requested = p.scope ? p.scope.split(' ') : [...allowed];
    const refused = requested.filter((s) => !allowed.has(s));
    if (refused.length) throw new errors.InvalidScope(`scope not allowed for this exchange: ${refused.join(' ')}`, refused.join(' '));

    const token = new provider.AccessToken({
      accountId: subject.accountId, client, gty: 'token_exchange', scope: requested.join(' ') || undefined,
      extra: actor ? { act: { sub: actor.sub } } : undefined,
    } as never);
    token.resourceServer = new provider.ResourceServer(target, server);
    const value = await token.save();
    onExchange({ client: client!.clientId, subject: subject.accountId, actor: actor?.sub, audience: target, scope: requested.join(' ') });
    ctx.body = {
      access_token: value, issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'Bearer', expires_in: token.expiration,
      ...(requested.length ? { scope: requested.join(' ') } : {}),
    };
  };
}
