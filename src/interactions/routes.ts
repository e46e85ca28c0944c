import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { AppError } from '../app-error.ts';
import type { AccountService } from '../accounts/account-service.ts';
import type { Csrf } from '../http/csrf.ts';
import type { Render } from '../http/views.ts';
import type { Mfa, SecondFactorMethod } from '../mfa/mfa-service.ts';
import type { EmailSignIn } from '../accounts/email-sign-in.ts';
import { grantConsent, requestedAccess } from './consent.ts';
import type { PendingSignIn, SignIn } from './sign-in.ts';
import { interactionOf } from './interaction.ts';
import type { Federation } from '../federation/federation-service.ts';

interface Deps {
  provider: Provider;
  accounts: AccountService;
  mfa: Mfa;
  emailSignIn: EmailSignIn;
  signIn: SignIn;
  csrf: Csrf;
  render: Render;
  options: { registration: boolean; emailCode: boolean; magicLink: boolean };
  /** Upstream IdPs: buttons on the login page, and home-realm discovery by email domain. */
  federation: Federation;
  upstreams: () => Promise<{ id: string; displayName: string }[]>;
  /** Told of every sign-in attempt: the method and the outcome ('success' or an error code). */
  onSignIn: (method: string, outcome: string) => void;
}

const MFA_METHODS: SecondFactorMethod[] = ['totp', 'recovery', 'email_code'];

const seeOther = (ctx: Context, location: string) => {
  ctx.status = 303;
  ctx.redirect(location);
};

/** Account chooser, login, second factor and consent pages in oidc-provider's interaction pipeline. */
export function createInteractionsRouter({ provider, accounts, mfa, emailSignIn, signIn, csrf, render, options, federation, upstreams, onSignIn }: Deps): Router {
  const router = new Router({ prefix: '/interaction/:uid' });
  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store'); // pages with CSRF tokens and sign-in errors are never cached
    await next();
  });
  const form = bodyParser({ enableTypes: ['form'], formLimit: '16kb' });
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: '64kb' });

  const details = (ctx: Context) => interactionOf(provider, ctx, ctx.params.uid);
  const clientName = async (clientId: unknown) => {
    const client = typeof clientId === 'string' ? await provider.Client.find(clientId) : undefined;
    return client?.clientName ?? client?.clientId;
  };
  const checkCsrf = (ctx: Context) => {
    if (!csrf.verify(ctx.params.uid!, (ctx.request.body as Record<string, unknown>)?.csrf)) {
      throw new AppError('csrf', 403, 'The form has expired or did not come from this site. Go back and try again.');
    }
  };
  const finish = async (ctx: Context, result: Parameters<Provider['interactionResult']>[2]) => {
    ctx.status = 303;
    ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false }));
  };
  const loginPage = async (ctx: Context, interaction: Awaited<ReturnType<typeof details>>, extra = {}) => {
    ctx.type = 'html';
    ctx.body = render('login', {
      uid: interaction.uid, csrf: csrf.tokenFor(interaction.uid), client: await clientName(interaction.params.client_id),
      email: interaction.params.login_hint, title: 'Sign in', ...options, upstreams: await upstreams(), ...extra,
    });
  };
  const mfaPage = async (ctx: Context, interaction: Awaited<ReturnType<typeof details>>, state: PendingSignIn, extra: Record<string, unknown> = {}) => {
    const methods = await mfa.methods(state.accountId);
    ctx.type = 'html';
    ctx.body = render('mfa', {
      uid: interaction.uid, csrf: csrf.tokenFor(interaction.uid), client: await clientName(interaction.params.client_id),
      title: 'Confirm it is you', methods, reasons: state.reasons,
      // an account without an authenticator app or passkey gets a code by email (issue: risk "require")
      emailCode: !methods.totp && !methods.passkeys, ...extra,
    });
  };

  router.get('/', async (ctx) => {
    const interaction = await details(ctx);
    const waiting = await signIn.pendingFor(interaction);
    if (waiting) return mfaPage(ctx, interaction, waiting);
    if (interaction.prompt.name === 'login') return loginPage(ctx, interaction);
    if (interaction.prompt.name === 'select_account') {
      // an account chooser: the signed-in account, or a sign-in as another one
      const current = interaction.session ? await accounts.findById(interaction.session.accountId) : undefined;
      if (!current || ctx.query.another === '1') return loginPage(ctx, interaction);
      ctx.type = 'html';
      ctx.body = render('select-account', {
        uid: interaction.uid, csrf: csrf.tokenFor(interaction.uid), client: await clientName(interaction.params.client_id),
        email: current.email, title: 'Choose an account',
      });
      return;
    }
    if (interaction.prompt.name === 'consent') {
      const account = await accounts.findById(interaction.session!.accountId);
      ctx.type = 'html';
      ctx.body = render('consent', {
        uid: interaction.uid, csrf: csrf.tokenFor(interaction.uid), client: await clientName(interaction.params.client_id),
        scopes: requestedAccess(interaction), email: account?.email, title: 'Allow access',
      });
      return;
    }
    throw new AppError('unknown_prompt', 400, `Gatehouse cannot handle the "${interaction.prompt.name}" step.`);
  });

  router.post('/login', form, async (ctx) => {
    const interaction = await details(ctx);
    checkCsrf(ctx);
    const { email, password } = ctx.request.body as Record<string, unknown>;
    const choosing = interaction.prompt.name === 'select_account';
    if (interaction.prompt.name !== 'login' && !choosing) throw new AppError('wrong_step', 400, 'This sign-in step is already done.');
    // home-realm discovery: people of an upstream's email domain sign in there
    const home = typeof email === 'string' && email.includes('@') ? await federation.forEmail(email) : undefined;
    if (home) return seeOther(ctx, `/interaction/${interaction.uid}/upstream/${home.id}`);
    if (typeof email !== 'string' || typeof password !== 'string' || !email || !password) {
      ctx.status = 400;
      return loginPage(ctx, interaction, { error: 'Enter your email and password.', email });
    }
    try {
      const account = await accounts.authenticate(email, password, ctx.ip);
      seeOther(ctx, await signIn.firstFactorDone(ctx, interaction, account.id, ['pwd'], 'password')); // RFC 8176 amr
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'invalid_credentials') await signIn.failed(ctx, (await accounts.findByEmail(email))?.id ?? null, error.code);
      if (error.code !== 'sign_in_refused') onSignIn('password', error.code);
      ctx.status = error.status;
      if (error.retryAfter) ctx.set('Retry-After', String(error.retryAfter));
      await loginPage(ctx, interaction, { error: error.userMessage, email });
    }
  });

  router.post('/mfa', form, async (ctx) => {
    const interaction = await details(ctx);
    checkCsrf(ctx);
    const state = await signIn.pendingFor(interaction);
    if (!state) throw new AppError('wrong_step', 400, 'This sign-in step is already done.');
    const { method, code } = ctx.request.body as Record<string, unknown>;
    if (!MFA_METHODS.includes(method as SecondFactorMethod) || typeof code !== 'string' || !code.trim()) {
      ctx.status = 400;
      return mfaPage(ctx, interaction, state, { error: 'Enter the code.', method });
    }
    try {
      const amr = await mfa.verify(method as SecondFactorMethod, state.accountId, code, interaction.uid);
      seeOther(ctx, await signIn.secondFactorDone(ctx, interaction, state, amr, String(method)));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      onSignIn(String(method), error.code);
      ctx.status = error.status;
      if (error.retryAfter) ctx.set('Retry-After', String(error.retryAfter));
      await mfaPage(ctx, interaction, state, { error: error.userMessage, method });
    }
  });

  router.post('/mfa/email', form, async (ctx) => {
    const interaction = await details(ctx);
    checkCsrf(ctx);
    const state = await signIn.pendingFor(interaction);
    const account = state && await accounts.findById(state.accountId);
    if (!account) throw new AppError('wrong_step', 400, 'This sign-in step is already done.');
    try {
      await mfa.sendEmailCode(interaction.uid, account);
      await mfaPage(ctx, interaction, state!, { sent: account.email, method: 'email_code' });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      ctx.status = error.status;
      if (error.retryAfter) ctx.set('Retry-After', String(error.retryAfter));
      await mfaPage(ctx, interaction, state!, { error: error.userMessage, method: 'email_code' });
    }
  });

  // Passkeys: the page's script runs the WebAuthn ceremony and posts JSON; answers say where to go.
  router.post('/passkey/options', json, async (ctx) => {
    const interaction = await details(ctx);
    checkCsrf(ctx);
    if (interaction.prompt.name !== 'login' && interaction.prompt.name !== 'select_account') throw new AppError('wrong_step', 400, 'This sign-in step is already done.');
    ctx.body = await mfa.passkeys.authenticationOptions(`login:${interaction.uid}`);
  });
  router.post('/passkey', json, async (ctx) => {
    const interaction = await details(ctx);
    checkCsrf(ctx);
    const accountId = await mfa.passkeys.authenticate(`login:${interaction.uid}`, (ctx.request.body as Record<string, unknown>).response)
      .catch((error: unknown) => {
        onSignIn('passkey', error instanceof AppError ? error.code : 'error');
        throw error;
      });
    const account = await accounts.findById(accountId);
    if (!account || account.disabled) throw new AppError('account_disabled', 403, 'This account is disabled.');
    ctx.body = { location: await signIn.firstFactorDone(ctx, interaction, accountId, mfa.passkeys.amr, 'passkey') };
  });
  router.post('/mfa/passkey/options', json, async (ctx) => {
    const interaction = await details(ctx);
    checkCsrf(ctx);
    const state = await signIn.pendingFor(interaction);
    if (!state) throw new AppError('wrong_step', 400, 'This sign-in step is already done.');
    ctx.body = await mfa.passkeys.authenticationOptions(`mfa:${interaction.uid}`, state.accountId);
  });
  router.post('/mfa/passkey', json, async (ctx) => {
    const interaction = await details(ctx);
    checkCsrf(ctx);
    const state = await signIn.pendingFor(interaction);
    if (!state) throw new AppError('wrong_step', 400, 'This sign-in step is already done.');
    await mfa.passkeys.authenticate(`mfa:${interaction.uid}`, (ctx.request.body as Record<string, unknown>).response, state.accountId);
    ctx.body = { location: await signIn.secondFactorDone(ctx, interaction, state, ['hwk', 'user'], 'passkey') };
  });

  // Sign-in without a password, when configured: a code or a link sent by email.
  const signingIn = async (ctx: Context) => {
    const interaction = await details(ctx);
    checkCsrf(ctx);
    if (interaction.prompt.name !== 'login' && interaction.prompt.name !== 'select_account') throw new AppError('wrong_step', 400, 'This sign-in step is already done.');
    const body = ctx.request.body as Record<string, unknown>;
    const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string).trim() : '');
    return { interaction, text };
  };
  const emailPage = async (ctx: Context, interaction: Awaited<ReturnType<typeof details>>, data: Record<string, unknown>) => {
    ctx.type = 'html';
    ctx.body = render('email-code', { uid: interaction.uid, csrf: csrf.tokenFor(interaction.uid), title: 'Enter your code', ...data });
  };
  const refuse = (ctx: Context, error: unknown) => {
    if (!(error instanceof AppError) || error.status >= 500 || error.code === 'csrf') throw error;
    ctx.status = error.status;
    if (error.retryAfter) ctx.set('Retry-After', String(error.retryAfter));
    return error.userMessage;
  };
  const validEmail = (email: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) && email.length <= 320;

  if (options.emailCode) {
    router.post('/email-code', form, async (ctx) => {
      const { interaction, text } = await signingIn(ctx);
      if (!validEmail(text('email'))) {
        ctx.status = 400;
        return loginPage(ctx, interaction, { error: 'Enter a valid email address.' });
      }
      try {
        await emailSignIn.sendCode(interaction.uid, text('email'), ctx.ip);
        await emailPage(ctx, interaction, { email: text('email'), sent: true });
      } catch (error) {
        await emailPage(ctx, interaction, { email: text('email'), error: refuse(ctx, error) });
      }
    });
    router.post('/email-code/verify', form, async (ctx) => {
      const { interaction, text } = await signingIn(ctx);
      try {
        const accountId = await emailSignIn.checkCode(interaction.uid, text('email'), text('code').replace(/\s/g, ''));
        seeOther(ctx, await signIn.firstFactorDone(ctx, interaction, accountId, emailSignIn.amr, 'email_code'));
      } catch (error) {
        onSignIn('email_code', error instanceof AppError ? error.code : 'error');
        await emailPage(ctx, interaction, { email: text('email'), error: refuse(ctx, error) });
      }
    });
  }

  if (options.magicLink) {
    router.post('/magic-link', form, async (ctx) => {
      const { interaction, text } = await signingIn(ctx);
      if (!validEmail(text('email'))) {
        ctx.status = 400;
        return loginPage(ctx, interaction, { error: 'Enter a valid email address.' });
      }
      try {
        await emailSignIn.sendLink(interaction.uid, text('email'), ctx.ip);
      } catch (error) {
        return loginPage(ctx, interaction, { error: refuse(ctx, error) });
      }
      ctx.type = 'html';
      ctx.body = render('message', {
        title: 'Check your email', message: `If ${text('email')} belongs to an account, we sent it a sign-in link. Open it in this browser.`,
      });
    });
    // the mailed link shows a button: mail scanners that follow links sign nobody in
    router.get('/magic', async (ctx) => {
      const interaction = await details(ctx);
      ctx.type = 'html';
      ctx.body = render('confirm-link', {
        title: 'Sign in', action: `/interaction/${interaction.uid}/magic`, button: 'Sign in', token: ctx.query.token, csrf: csrf.tokenFor(interaction.uid),
      });
    });
    router.post('/magic', form, async (ctx) => {
      const { interaction, text } = await signingIn(ctx);
      const accountId = await emailSignIn.takeLink(interaction.uid, text('token'));
      seeOther(ctx, await signIn.firstFactorDone(ctx, interaction, accountId, emailSignIn.amr, 'magic_link'));
    });
  }

  router.post('/select-account', form, async (ctx) => {
    const interaction = await details(ctx);
    checkCsrf(ctx);
    if (interaction.prompt.name !== 'select_account') throw new AppError('wrong_step', 400, 'This step is already done.');
    await finish(ctx, { select_account: {} });
  });

  router.post('/consent', form, async (ctx) => {
    const interaction = await details(ctx);
    checkCsrf(ctx);
    if (interaction.prompt.name !== 'consent') throw new AppError('wrong_step', 400, 'This consent step is already done.');
    await finish(ctx, await grantConsent(provider, interaction));
  });

  router.get('/abort', async (ctx) => {
    await details(ctx);
    await finish(ctx, { error: 'access_denied', error_description: 'The user cancelled the request.' });
  });

  return router;
}
