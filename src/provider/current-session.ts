import type { Context } from 'koa';
import type Provider from 'oidc-provider';

/** The sign-in session the browser holds, read from oidc-provider's own session cookie. */
export interface CurrentSession {
  /** The Session model's id (what the cookie holds). */
  id: string;
  uid: string;
  accountId: string;
  acr?: string;
  amr?: string[];
  /** When the sign-in happened, in seconds. */
  loginTs?: number;
}

const SESSION_COOKIE = '_session'; // oidc-provider's default name

export async function currentSession(provider: Provider, ctx: Context): Promise<CurrentSession | undefined> {
  const id = ctx.cookies.get(SESSION_COOKIE, { signed: true });
  const session = id ? await provider.Session.find(id) : undefined;
  if (!session?.accountId) return undefined;
  const { uid, accountId, acr, amr, loginTs } = session as unknown as Omit<CurrentSession, 'id'>;
  return { id: id!, uid, accountId, acr, amr, loginTs };
}
