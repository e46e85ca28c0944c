import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { AppError } from '../../app-error.ts';
import type { Account } from '../../accounts/account.ts';
import { adminResource, adminScopesOf, type AdminScope } from './admin-resource.ts';
import type { AdminCaller } from './route-spec.ts';

/** The role a person needs for admin tokens and the admin UI. */
export const ADMIN_ROLE = 'admin';

/** An RFC 6750 §3 refusal: 401 for a missing or bad token, 403 for too few scopes. */
export class BearerError extends AppError {
  readonly challenge: string;
  constructor(status: 401 | 403, code: string, message: string, extra = '') {
    super(code, status, message);
    const error = code === 'unauthorized' ? '' : `, error="${code}", error_description="${message.replace(/"/g, "'")}"`;
    this.challenge = `Bearer realm="gatehouse-admin"${error}${extra}`;
  }
}

interface Deps {
  provider: Provider;
  issuer: string;
  findAccount(id: string): Promise<Account | undefined>;
}

interface StoredToken {
  aud?: string | string[];
  scope?: string;
  clientId?: string;
  accountId?: string;
  isExpired: boolean;
  isSenderConstrained(): boolean;
}

/**
 * Admin callers authenticate with Gatehouse's own access tokens for the admin API (opaque, so a
 * revoked token or a deleted client stops working at once): client_credentials tokens of
 * clients registered with admin scopes, or tokens of people who hold the admin role.
 */
export function adminAuthenticator({ provider, issuer, findAccount }: Deps) {
  const audience = adminResource(issuer);
  return async (ctx: Context, needs: AdminScope): Promise<AdminCaller> => {
    const header = ctx.get('authorization');
    if (!header) throw new BearerError(401, 'unauthorized', 'An admin access token is required (Authorization: Bearer …).');
    const [scheme, value, extra] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !value || extra !== undefined) throw new BearerError(401, 'invalid_request', 'The Authorization header must be "Bearer <access token>".');
    const token = ((await provider.ClientCredentials.find(value)) ?? (await provider.AccessToken.find(value))) as StoredToken | undefined;
    const invalid = (why: string) => new BearerError(401, 'invalid_token', why);
    if (!token || token.isExpired) throw invalid('The access token is unknown, expired or revoked.');
    if (![token.aud].flat().includes(audience)) throw invalid(`The access token is not for the admin API (its audience must be ${audience}).`);
    // RFC 9449 §7.1 / RFC 8705 §3: a bound token is no bearer token; the admin API takes bearer tokens only
    if (token.isSenderConstrained()) throw invalid('Sender-constrained (DPoP or certificate-bound) tokens are not accepted by the admin API.');
    if (!token.clientId || !(await provider.Client.find(token.clientId))) throw invalid('The client the token was issued to no longer exists.');
    if (token.accountId) {
      const account = await findAccount(token.accountId);
      if (!account || account.disabled) throw invalid('The account the token was issued to no longer exists or is disabled.');
      if (!account.roles.includes(ADMIN_ROLE)) throw new BearerError(403, 'insufficient_scope', `The account does not hold the ${ADMIN_ROLE} role.`);
    }
    const scopes = new Set(adminScopesOf(token.scope));
    // admin:write includes reading
    const allowed = scopes.has(needs) || (needs === 'admin:read' && scopes.has('admin:write'));
    if (!allowed) throw new BearerError(403, 'insufficient_scope', `This needs the ${needs} scope.`, `, scope="${needs}"`);
    return { actor: token.accountId ? `account:${token.accountId}` : `client:${token.clientId}`, scopes };
  };
}

export type AdminAuthenticator = ReturnType<typeof adminAuthenticator>;
