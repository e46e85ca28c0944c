import Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { AppError } from '../app-error.ts';
import type { Csrf } from '../http/csrf.ts';
import type { Render } from '../http/views.ts';
import type { Mfa } from '../mfa/mfa-service.ts';
import { allowImagesFrom } from '../http/security-headers.ts';
import { brandingOf } from '../organizations/branding.ts';
import type { OrganizationLookup } from '../organizations/organization-claims.ts';
import { requestedOrganization } from '../provider/organization-hint.ts';
import { interactionOf, type Interaction } from './interaction.ts';
import type { PendingSignIn } from './sign-in.ts';

export interface PagesDeps {
  provider: Provider;
  mfa: Mfa;
  csrf: Csrf;
  render: Render;
  options: { registration: boolean; emailCode: boolean; magicLink: boolean };
  /** Upstream IdPs, a button each on the login page. */
  upstreams: () => Promise<{ id: string; displayName: string }[]>;
  /** The organization a request is for: its name, logo and colours on every page of the sign-in. */
  organizations: OrganizationLookup;
}

/** A router for interaction pages: they carry CSRF tokens and sign-in errors, so nothing is cached. */
export function interactionRouter(prefix: string): Router {
  const router = new Router({ prefix });
  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });
  return router;
}

export const seeOther = (ctx: Context, location: string) => {
  ctx.status = 303;
  ctx.redirect(location);
};

/** What every interaction route shares: the interaction, its CSRF check and step check, and its pages. */
export function interactionPages({ provider, mfa, csrf, render, options, upstreams, organizations }: PagesDeps) {
  const clientName = async (clientId: unknown) => {
    const client = typeof clientId === 'string' ? await provider.Client.find(clientId) : undefined;
    return client?.clientName ?? client?.clientId;
  };
  /** The fields every interaction page has. */
  const branding = async (interaction: Interaction) => {
    const id = requestedOrganization(interaction.params);
    const org = id ? await organizations.find(id) : undefined;
    return org ? { organization: brandingOf(org) } : {};
  };
  const common = async (interaction: Interaction) => ({
    uid: interaction.uid, csrf: csrf.tokenFor(interaction.uid), client: await clientName(interaction.params.client_id), ...await branding(interaction),
  });
  const show = (ctx: Context, view: string, data: Record<string, unknown>) => {
    const logo = (data.organization as { logoUrl?: string | null } | undefined)?.logoUrl;
    if (logo) allowImagesFrom(ctx, logo);
    ctx.type = 'html';
    ctx.body = render(view, data);
  };

  return {
    common,
    show,
    details: (ctx: Context) => interactionOf(provider, ctx, ctx.params.uid),

    /** The interaction of a form post: its CSRF token checked (bound to the interaction, OWASP ASVS V4.2.2). */
    async posted(ctx: Context): Promise<Interaction> {
      const interaction = await interactionOf(provider, ctx, ctx.params.uid);
      if (!csrf.verify(interaction.uid, (ctx.request.body as Record<string, unknown>)?.csrf)) {
        throw new AppError('csrf', 403, 'The form has expired or did not come from this site. Go back and try again.');
      }
      return interaction;
    },

    /** Refuses a post for a step the interaction is not at (a stale tab, a replayed form). */
    atStep(interaction: Interaction, ...prompts: string[]) {
      if (!prompts.includes(interaction.prompt.name)) throw new AppError('wrong_step', 400, 'This sign-in step is already done.');
    },

    async loginPage(ctx: Context, interaction: Interaction, extra: Record<string, unknown> = {}) {
      show(ctx, 'login', {
        ...(await common(interaction)), email: interaction.params.login_hint, title: 'Sign in', ...options, upstreams: await upstreams(), ...extra,
      });
    },

    async mfaPage(ctx: Context, interaction: Interaction, state: PendingSignIn, extra: Record<string, unknown> = {}) {
      const methods = await mfa.methods(state.accountId);
      show(ctx, 'mfa', {
        ...(await common(interaction)), title: 'Confirm it is you', methods, reasons: state.reasons,
        // an account without an authenticator app or passkey gets a code by email
        emailCode: !methods.totp && !methods.passkeys, ...extra,
      });
    },
  };
}

export type InteractionPages = ReturnType<typeof interactionPages>;
