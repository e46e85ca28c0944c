import crypto from 'node:crypto';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Render } from '../../http/views.ts';
import { currentSession } from '../../provider/current-session.ts';
import { ownAuthorizationUrl } from '../../provider/own-clients.ts';
import { refused } from './authn-request.ts';
import { fromPost, fromRedirect } from './bindings.ts';
import type { Answer, Begun, SamlSso } from './sso.ts';
import type { SamlLogout, Step } from './logout.ts';
import type { ParticipantStore } from '../participants.ts';
import type { Middleware } from 'koa';
import { showPostForm } from '../post-page.ts';

interface Deps {
  sso: SamlSso;
  logout: SamlLogout;
  metadata: () => string;
  provider: Provider;
  render: Render;
  issuer: string;
  /** Told of every response sent, by status. */
  onResponse: (status: string) => void;
}

/** Binds a waiting sign-in to the browser that started it: only it can continue it. */
const bindingCookie = (key: string) => `gatehouse.saml.${key.slice(0, 12)}`;

/** The SAML IdP: metadata, SSO over HTTP-Redirect and HTTP-POST, IdP-initiated starts, and the continuation. */
export function createSamlIdpRoutes({ sso, logout, metadata, provider, render, issuer, onResponse }: Deps): Router {
  const router = new Router({ prefix: '/saml' });
  const form = bodyParser({ enableTypes: ['form'], formLimit: '256kb' });

  const post = (ctx: Context, answer: Answer) => {
    onResponse(answer.status);
    showPostForm(ctx, render, 'Signing you in', { url: answer.acsUrl, param: 'SAMLResponse', value: answer.samlResponse, relayState: answer.relayState, spName: answer.spName });
  };
  const next = (ctx: Context, begun: Begun) => {
    if ('answer' in begun) return post(ctx, begun.answer);
    ctx.cookies.set(bindingCookie(begun.key), begun.key, {
      signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/saml/continue', maxAge: 3600_000, overwrite: true,
    });
    ctx.status = 303;
    ctx.redirect(ownAuthorizationUrl(issuer, 'saml', begun.key, {
      ...(begun.prompt ? { prompt: begun.prompt } : {}), ...(begun.prompt === 'login' ? { max_age: '0' } : {}),
      ...(begun.acrValues ? { acr_values: begun.acrValues } : {}),
    }));
  };

  router.get('/metadata', (ctx) => {
    ctx.type = 'application/samlmetadata+xml';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = metadata();
  });

  router.get('/sso', async (ctx) => next(ctx, await sso.begin(fromRedirect(ctx.querystring))));
  router.post('/sso', form, async (ctx) => next(ctx, await sso.begin(fromPost(ctx.request.body as Record<string, unknown>))));

  router.get('/idp-initiated', async (ctx) => {
    const { sp, RelayState } = ctx.query;
    if (typeof sp !== 'string' || !sp) throw refused('name the service provider: /saml/idp-initiated?sp=ENTITY_ID');
    next(ctx, await sso.beginUnsolicited(sp, typeof RelayState === 'string' ? RelayState : undefined));
  });

  router.get('/continue', async (ctx) => {
    const key = typeof ctx.query.state === 'string' ? ctx.query.state : '';
    const held = key ? ctx.cookies.get(bindingCookie(key), { signed: true }) : undefined;
    if (!held || held.length !== key.length || !crypto.timingSafeEqual(Buffer.from(held), Buffer.from(key))) {
      throw refused('this sign-in did not start in this browser; start again from the application');
    }
    ctx.cookies.set(bindingCookie(key), '', { path: '/saml/continue', maxAge: 0 });
    const error = typeof ctx.query.error === 'string' ? ctx.query.error : undefined;
    post(ctx, await sso.finish(key, { error, session: error ? undefined : await currentSession(provider, ctx) }));
  });

  // Single logout: a LogoutRequest from an SP, or an SP's LogoutResponse to ours, over either binding.
  const sloStep = (ctx: Context, step: Step) => {
    ctx.set('Cache-Control', 'no-store');
    if ('redirect' in step) return void ctx.redirect(step.redirect);
    showPostForm(ctx, render, 'Signing you out', step.post);
  };
  router.get('/slo', async (ctx) => {
    const isResponse = typeof ctx.query.SAMLResponse === 'string';
    const incoming = fromRedirect(ctx.querystring, isResponse ? 'SAMLResponse' : 'SAMLRequest');
    sloStep(ctx, await (isResponse ? logout.response(incoming) : logout.request(incoming)));
  });
  router.post('/slo', form, async (ctx) => {
    const body = ctx.request.body as Record<string, unknown>;
    const isResponse = typeof body.SAMLResponse === 'string';
    const incoming = fromPost(body, isResponse ? 'SAMLResponse' : 'SAMLRequest');
    sloStep(ctx, await (isResponse ? logout.response(incoming) : logout.request(incoming)));
  });
  router.get('/logged-out', (ctx) => {
    ctx.type = 'html';
    ctx.body = render('logged-out', { title: 'Signed out' });
  });

  return router;
}

/**
 * After oidc-provider's end-session confirmation has ended the session, the session's SAML SPs
 * are logged out too (a front-channel chain) before the browser goes where oidc-provider sent it.
 */
export function samlLogoutAfterOidcLogout({ provider, participants, logout, render, sessionExists }: {
  provider: Provider; participants: ParticipantStore; logout: SamlLogout; render: Render; sessionExists: (uid: string) => Promise<boolean>;
}): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== '/session/end/confirm') return next();
    const session = await currentSession(provider, ctx);
    const involved = session ? await participants.forSession(session.uid) : [];
    await next();
    const done = ctx.response.get('Location');
    if (!involved.length || ctx.status !== 303 || !done || (await sessionExists(session!.uid))) return;
    const step = await logout.afterSessionEnded(involved, done);
    if ('redirect' in step) return void ctx.redirect(step.redirect);
    ctx.remove('Location');
    showPostForm(ctx, render, 'Signing you out', step.post);
  };
}
