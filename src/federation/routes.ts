import crypto from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { AppError } from '../app-error.ts';
import type { SecurityEventStore } from '../accounts/security-events.ts';
import type { SingleUseStore } from '../accounts/single-use.ts';
import { interactionOf } from '../interactions/interaction.ts';
import type { SignIn } from '../interactions/sign-in.ts';
import type { Federation, UpstreamIdentity } from './federation-service.ts';
import type { OidcUpstreams } from './oidc-upstream.ts';
import type { Upstream, UpstreamStore } from './upstream.ts';

interface Deps {
  provider: Provider;
  upstreams: UpstreamStore;
  federation: Federation;
  oidc: OidcUpstreams;
  /** SAML upstreams: where to send the browser with an AuthnRequest. */
  samlStart: (upstream: Extract<Upstream, { kind: 'saml' }>, uid: string) => Promise<string>;
  signIn: SignIn;
  events: SecurityEventStore;
  pending: SingleUseStore;
}

/** RFC 8176: "fed", a sign-in federated from another identity provider. */
export const FEDERATED_AMR = ['fed'];

/**
 * Sign-in through an upstream IdP: leave from the login page, come back to a callback (OIDC) or
 * an ACS (SAML, src/saml/sp-bridge), and finish in the same interaction, under the same MFA and
 * risk rules as a password.
 */
export function createFederationRoutes({ provider, upstreams, federation, oidc, samlStart, signIn, events, pending }: Deps) {
  const router = new Router();
  const upstreamOf = async (id: string | undefined) => {
    const upstream = id ? await upstreams.find(id) : undefined;
    if (!upstream) throw new AppError('unknown_upstream', 404, 'There is no such sign-in provider.');
    return upstream;
  };

  router.get('/interaction/:uid/upstream/:id', async (ctx) => {
    const interaction = await interactionOf(provider, ctx, ctx.params.uid);
    if (interaction.prompt.name !== 'login' && interaction.prompt.name !== 'select_account') throw new AppError('wrong_step', 400, 'This sign-in step is already done.');
    const upstream = await upstreamOf(ctx.params.id);
    ctx.status = 303;
    ctx.redirect(upstream.kind === 'oidc' ? await oidc.start(upstream, interaction.uid) : await samlStart(upstream, interaction.uid));
  });

  router.get('/federation/oidc/:id/callback', async (ctx) => {
    const upstream = await upstreamOf(ctx.params.id);
    if (upstream.kind !== 'oidc') throw new AppError('unknown_upstream', 404, 'There is no such sign-in provider.');
    await verified(ctx, upstream, () => oidc.finish(upstream, new URL(ctx.href)));
  });

  // Back under the interaction's path, where its cookie is sent: the same browser finishes there.
  router.get('/interaction/:uid/upstream/:id/complete', async (ctx) => {
    const upstream = await upstreamOf(ctx.params.id);
    await recorded(ctx, upstream, async () => {
      const interaction = await interactionOf(provider, ctx, ctx.params.uid);
      const key = typeof ctx.query.key === 'string' ? ctx.query.key : '';
      const held = key ? await pending.take(`upstream-done:${key}`) : undefined;
      if (!held || held.uid !== interaction.uid || held.upstreamId !== upstream.id) throw new AppError('upstream_state', 400, 'This sign-in has expired or was already used. Start again.');
      const accountId = await federation.accountFor(upstream, held.identity as UpstreamIdentity);
      ctx.status = 303;
      ctx.redirect(await signIn.firstFactorDone(ctx, interaction, accountId, FEDERATED_AMR, `${upstream.kind}:${upstream.id}`));
    });
  });

  /** An upstream's answer checked out: keep the identity for the interaction's own path. */
  const verified = (ctx: Context, upstream: Upstream, verify: () => Promise<{ uid: string; identity: UpstreamIdentity }>) => recorded(ctx, upstream, async () => {
    const { uid, identity } = await verify();
    const key = crypto.randomBytes(24).toString('base64url');
    await pending.put(`upstream-done:${key}`, { uid, upstreamId: upstream.id, identity: { ...identity } }, 300);
    ctx.status = 303;
    ctx.redirect(`/interaction/${uid}/upstream/${upstream.id}/complete?key=${key}`);
  });

  /** Every refusal is recorded (nothing is provisioned from it) and shown as a page. */
  const recorded = async (ctx: Context, upstream: Upstream, step: () => Promise<void>) => {
    try {
      await step();
    } catch (error) {
      await events.record({
        accountId: null, kind: 'federation_failed', ip: ctx.ip, userAgent: ctx.get('user-agent') || null, deviceId: null,
        detail: { upstream: upstream.id, reason: error instanceof AppError ? error.code : 'error', message: (error as Error).message },
      }).catch(() => {});
      throw error;
    }
  };

  return { router, verified };
}
