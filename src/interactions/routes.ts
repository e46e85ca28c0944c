import type Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type Provider from 'oidc-provider';
import type { Context } from 'koa';
import { AppError } from '../app-error.ts';
import type { AccountService } from '../accounts/account-service.ts';
import type { EmailSignIn } from '../accounts/email-sign-in.ts';
import type { Federation } from '../federation/federation-service.ts';
import { refusal } from '../http/forms.ts';
import { consentDetail, grantConsent, requestedAccess } from './consent.ts';
import { interactionPages, interactionRouter, seeOther, type PagesDeps } from './pages.ts';
import { createPasswordlessRouter } from './passwordless-routes.ts';
import { createSecondFactorRouter } from './second-factor-routes.ts';
import type { SignIn } from './sign-in.ts';

interface Deps extends PagesDeps {
  accounts: AccountService;
  emailSignIn: EmailSignIn;
  signIn: SignIn;
  /** Home-realm discovery by email domain. */
  federation: Federation;
  /** Told of every sign-in attempt: the method and the outcome ('success' or an error code). */
  onSignIn: (method: string, outcome: string) => void;
}

/**
 * The interaction pages of oidc-provider's pipeline: this router (account chooser, password
 * login, consent, abort), the second factor, and the ways to sign in without a password.
 */
export function createInteractionRouters(deps: Deps): Router[] {
  const pages = interactionPages(deps);
  const routes = { ...deps, pages, form: bodyParser({ enableTypes: ['form'], formLimit: '16kb' }) };
  return [createLoginRouter(routes), createSecondFactorRouter(routes), createPasswordlessRouter(routes)];
}

export type InteractionRoutesDeps = Deps & { pages: ReturnType<typeof interactionPages>; form: ReturnType<typeof bodyParser> };

function createLoginRouter({ provider, accounts, signIn, federation, onSignIn, pages, form }: InteractionRoutesDeps): Router {
  const router = interactionRouter('/interaction/:uid');
  const finish = async (ctx: Context, result: Parameters<Provider['interactionResult']>[2]) => {
    seeOther(ctx, await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false }));
  };

  router.get('/', async (ctx) => {
    const interaction = await pages.details(ctx);
    const waiting = await signIn.pendingFor(interaction);
    if (waiting) return pages.mfaPage(ctx, interaction, waiting);
    if (interaction.prompt.name === 'login') return pages.loginPage(ctx, interaction);
    if (interaction.prompt.name === 'select_account') {
      // an account chooser: the signed-in account, or a sign-in as another one
      const current = interaction.session ? await accounts.findById(interaction.session.accountId) : undefined;
      if (!current || ctx.query.another === '1') return pages.loginPage(ctx, interaction);
      return pages.show(ctx, 'select-account', { ...(await pages.common(interaction)), email: current.email, title: 'Choose an account' });
    }
    if (interaction.prompt.name === 'organization') {
      // the policy found the account is not a member of the organization asked for
      return finish(ctx, { error: 'access_denied', error_description: 'The signed-in account is not a member of the requested organization.' });
    }
    if (interaction.prompt.name === 'consent') {
      const account = await accounts.findById(interaction.session!.accountId);
      return pages.show(ctx, 'consent', {
        ...(await pages.common(interaction)), scopes: requestedAccess(interaction), email: account?.email, title: 'Allow access',
      });
    }
    throw new AppError('unknown_prompt', 400, `Gatehouse cannot handle the "${interaction.prompt.name}" step.`);
  });

  router.post('/login', form, async (ctx) => {
    const interaction = await pages.posted(ctx);
    pages.atStep(interaction, 'login', 'select_account');
    const { email, password } = ctx.request.body as Record<string, unknown>;
    // home-realm discovery: people of an upstream's email domain sign in there
    const home = typeof email === 'string' && email.includes('@') ? await federation.forEmail(email) : undefined;
    if (home) return seeOther(ctx, `/interaction/${interaction.uid}/upstream/${home.id}`);
    if (typeof email !== 'string' || typeof password !== 'string' || !email || !password) {
      ctx.status = 400;
      return pages.loginPage(ctx, interaction, { error: 'Enter your email and password.', email });
    }
    try {
      const account = await accounts.authenticate(email, password, ctx.ip);
      seeOther(ctx, await signIn.firstFactorDone(ctx, interaction, account.id, ['pwd'], 'password')); // RFC 8176 amr
    } catch (error) {
      const code = error instanceof AppError ? error.code : undefined;
      const accountId = code === 'invalid_credentials' || code === 'account_locked' || code === 'account_disabled' ? (await accounts.findByEmail(email))?.id ?? null : null;
      if (code === 'invalid_credentials') {
        await signIn.failed(ctx, accountId, code);
        // this failure reached the threshold: the email is locked from now on
        if (await accounts.lockedOut(email)) await signIn.event(ctx, accountId, 'lockout', { reason: 'failed_sign_ins' });
      }
      if (code === 'account_locked' || code === 'account_disabled') await signIn.event(ctx, accountId, 'sign_in_refused', { reason: code });
      if (error instanceof AppError && error.code !== 'sign_in_refused') onSignIn('password', error.code);
      await pages.loginPage(ctx, interaction, { error: refusal(ctx, error), email });
    }
  });

  router.post('/select-account', form, async (ctx) => {
    const interaction = await pages.posted(ctx);
    pages.atStep(interaction, 'select_account');
    await finish(ctx, { select_account: {} });
  });

  router.post('/consent', form, async (ctx) => {
    const interaction = await pages.posted(ctx);
    pages.atStep(interaction, 'consent');
    const result = await grantConsent(provider, interaction);
    await signIn.event(ctx, interaction.session!.accountId, 'consent', consentDetail(interaction));
    await finish(ctx, result);
  });

  router.get('/abort', async (ctx) => {
    await pages.details(ctx);
    await finish(ctx, { error: 'access_denied', error_description: 'The user cancelled the request.' });
  });

  return router;
}
