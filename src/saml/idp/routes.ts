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

interface Deps {
  sso: SamlSso;
  metadata: () => string;
  provider: Provider;
  render: Render;
  issuer: string;
}

/** Binds a waiting sign-in to the browser that started it: only it can continue it. */
const bindingCookie = (key: string) => `gatehouse.saml.${key.slice(0, 12)}`;

/** The SAML IdP: metadata, SSO over HTTP-Redirect and HTTP-POST, IdP-initiated starts, and the continuation. */
export function createSamlIdpRoutes({ sso, metadata, provider, render, issuer }: Deps): Router {
  const router = new Router({ prefix: '/saml' });
  const form = bodyParser({ enableTypes: ['form'], formLimit: '256kb' });

  const post = (ctx: Context, answer: Answer) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = render('saml-post', { title: 'Signing you in', ...answer });
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

  return router;
}
