import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Context } from 'koa';
import { AppError } from '../../app-error.ts';
import type { UpstreamIdentity } from '../../federation/federation-service.ts';
import type { SamlUpstream, UpstreamStore } from '../../federation/upstream.ts';
import type { Render } from '../../http/views.ts';
import type { SamlBridge } from './bridge.ts';
import { showPostForm } from '../post-page.ts';

interface Deps {
  bridge: SamlBridge;
  /** Ends every session of the account linked to this upstream subject. */
  endSessionsOf: (upstreamId: string, subject: string) => Promise<void>;
  upstreams: UpstreamStore;
  render: Render;
  /** Hands a checked identity to the interaction it belongs to (src/federation/routes.ts). */
  verified: (ctx: Context, upstream: SamlUpstream, verify: () => Promise<{ uid: string; identity: UpstreamIdentity }>) => Promise<void>;
}

/** The SP bridge's endpoints per upstream SAML IdP: /saml/sp/:idp/metadata, /acs, /slo, and the POST-binding start page. */
export function createSpBridgeRoutes({ bridge, endSessionsOf, upstreams, render, verified }: Deps): Router {
  const router = new Router({ prefix: '/saml/sp/:idp' });
  const form = bodyParser({ enableTypes: ['form'], formLimit: '512kb' });
  const upstreamOf = async (ctx: Context): Promise<SamlUpstream> => {
    const upstream = await upstreams.find(ctx.params.idp!);
    if (upstream?.kind !== 'saml') throw new AppError('unknown_upstream', 404, 'There is no such SAML identity provider.');
    return upstream;
  };

  router.get('/metadata', async (ctx) => {
    ctx.type = 'application/samlmetadata+xml';
    ctx.body = await bridge.metadata(await upstreamOf(ctx));
  });

  router.post('/acs', form, async (ctx) => {
    const upstream = await upstreamOf(ctx);
    await verified(ctx, upstream, () => bridge.acs(upstream, ctx.request.body as Record<string, unknown>));
  });

  // the upstream's LogoutRequest (Redirect or POST): the person's sessions here end, then the upstream is answered
  const logout = async (ctx: Context, request: Parameters<SamlBridge['logout']>[1]) => {
    const upstream = await upstreamOf(ctx);
    const { subject, respond } = await bridge.logout(upstream, request);
    await endSessionsOf(upstream.id, subject);
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(await respond());
  };
  router.get('/slo', (ctx) => logout(ctx, { query: ctx.query as Record<string, string>, rawQuery: ctx.querystring }));
  router.post('/slo', form, (ctx) => logout(ctx, { body: ctx.request.body as Record<string, string> }));

  router.get('/send', async (ctx) => {
    const form = typeof ctx.query.key === 'string' ? await bridge.postForm(ctx.query.key) : undefined;
    if (!form) throw new AppError('upstream_state', 400, 'This sign-in has expired. Start again.');
    showPostForm(ctx, render, 'Signing you in', form);
  });

  return router;
}
