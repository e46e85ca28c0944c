import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { AppError } from '../app-error.ts';
import type { Csrf } from '../http/csrf.ts';
import { formFields } from '../http/forms.ts';
import { allowImagesFrom } from '../http/security-headers.ts';
import type { Render } from '../http/views.ts';
import { currentSession, type CurrentSession } from '../provider/current-session.ts';
import { ownSignIn } from '../provider/own-sign-in.ts';
import { brandingCss, brandingOf } from './branding.ts';
import { isUuid } from '../uuid.ts';
import type { OrganizationService } from './organization-service.ts';

interface Deps {
  provider: Provider;
  organizations: OrganizationService;
  accounts: { findById(id: string): Promise<{ email: string } | undefined> };
  csrf: Csrf;
  render: Render;
  issuer: string;
  registration: boolean;
}

const STATE_COOKIE = 'gatehouse.invitation_state';
const TOKEN = /^[\w-]{43}$/;

/**
 * An organization's stylesheet, and invitations: the mailed link opens a page with a button (a
 * mail scanner that follows links uses nothing up); accepting needs a sign-in as the invited
 * address, through the same login pipeline as every application.
 */
export function createOrganizationRoutes({ provider, organizations, accounts, csrf, render, issuer, registration }: Deps): Router {
  const router = new Router();
  const form = bodyParser({ enableTypes: ['form'], formLimit: '16kb' });
  const page = (ctx: Context, view: string, data: Record<string, unknown>) => {
    ctx.set('Cache-Control', 'no-store');
    const organization = data.organization as { logoUrl?: string | null } | undefined;
    if (organization?.logoUrl) allowImagesFrom(ctx, organization.logoUrl);
    ctx.type = 'html';
    ctx.body = render(view, data);
  };
  const binding = (session: CurrentSession) => `invitation:${session.uid}`;
  const signIn = ownSignIn({ client: 'invitation', issuer, cookie: STATE_COOKIE, path: '/invitations', again: 'Open the invitation link again.' });

  router.get('/assets/organizations/:id.css', async (ctx) => {
    const org = isUuid(ctx.params.id!) ? await organizations.find(ctx.params.id!) : undefined;
    if (!org) throw new AppError('not_found', 404, 'There is no such stylesheet.');
    ctx.type = 'text/css';
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = brandingCss(org);
  });

  router.get('/invitations/accept', async (ctx) => {
    const token = ctx.query.token;
    const invitation = await organizations.invitation(token);
    const session = await currentSession(provider, ctx);
    const account = session && await accounts.findById(session.accountId);
    page(ctx, 'invitation', {
      title: `Join ${invitation.organization.name}`, organization: brandingOf(invitation.organization), invited: invitation.email,
      token, signedInAs: account?.email, registration, csrf: session ? csrf.tokenFor(binding(session)) : undefined,
    });
  });

  // a sign-in as the invited address: an ordinary authorization request of a first-party client
  router.get('/invitations/sign-in', async (ctx) => {
    const token = typeof ctx.query.token === 'string' && TOKEN.test(ctx.query.token) ? ctx.query.token : undefined;
    const invitation = await organizations.invitation(token); // the token is [\w-]{43}: safe in the path back
    signIn.start(ctx, `/invitations/accept?token=${token}`, { login_hint: invitation.email, prompt: 'login' });
  });
  router.get('/invitations/callback', (ctx) => signIn.finish(ctx));

  router.post('/invitations/accept', form, async (ctx) => {
    const session = await currentSession(provider, ctx);
    if (!session) throw new AppError('sign_in_required', 401, 'Sign in first: open the invitation link again.');
    if (!csrf.verify(binding(session), (ctx.request.body as Record<string, unknown>)?.csrf)) {
      throw new AppError('csrf', 403, 'The form has expired or did not come from this site. Go back and try again.');
    }
    const { organization } = await organizations.acceptInvitation(formFields(ctx)('token'), session.accountId);
    page(ctx, 'message', { title: `Welcome to ${organization.name}`, message: `You are now a member of ${organization.name}.`, organization: brandingOf(organization) });
  });

  return router;
}
