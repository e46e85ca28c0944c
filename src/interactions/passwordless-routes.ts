import type Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Context } from 'koa';
import { AppError } from '../app-error.ts';
import { isEmailAddress } from '../accounts/account.ts';
import { formFields, refusal } from '../http/forms.ts';
import type { Interaction } from './interaction.ts';
import { interactionRouter, seeOther } from './pages.ts';
import type { InteractionRoutesDeps } from './routes.ts';

/** Signing in without a password: a passkey, and (each when configured) a code or a link sent by email. */
export function createPasswordlessRouter({ accounts, mfa, emailSignIn, signIn, onSignIn, options, pages, form }: InteractionRoutesDeps): Router {
  const router = interactionRouter('/interaction/:uid');
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: '64kb' });
  /** The posted interaction, at its login step, and its form fields (trimmed). */
  const signingIn = async (ctx: Context) => {
    const interaction = await pages.posted(ctx);
    pages.atStep(interaction, 'login', 'select_account');
    const field = formFields(ctx);
    return { interaction, text: (name: string) => field(name).trim() };
  };
  const emailPage = async (ctx: Context, interaction: Interaction, data: Record<string, unknown>) =>
    pages.show(ctx, 'email-code', { ...(await pages.common(interaction)), title: 'Enter your code', ...data });
  /** The address to send to, or the login page again saying why not. */
  const addressOr = async (ctx: Context, interaction: Interaction, email: string) => {
    if (isEmailAddress(email)) return true;
    ctx.status = 400;
    await pages.loginPage(ctx, interaction, { error: 'Enter a valid email address.' });
    return false;
  };

  // the login page's script runs the WebAuthn ceremony (button or autofill) and posts JSON
  router.post('/passkey/options', json, async (ctx) => {
    const interaction = await pages.posted(ctx);
    pages.atStep(interaction, 'login', 'select_account');
    ctx.body = await mfa.passkeys.authenticationOptions(`login:${interaction.uid}`);
  });
  router.post('/passkey', json, async (ctx) => {
    const interaction = await pages.posted(ctx);
    const accountId = await mfa.passkeys.authenticate(`login:${interaction.uid}`, (ctx.request.body as Record<string, unknown>).response)
      .catch((error: unknown) => {
        onSignIn('passkey', error instanceof AppError ? error.code : 'error');
        throw error;
      });
    const account = await accounts.findById(accountId);
    if (!account || account.disabled) throw new AppError('account_disabled', 403, 'This account is disabled.');
    ctx.body = { location: await signIn.firstFactorDone(ctx, interaction, accountId, mfa.passkeys.amr, 'passkey') };
  });

  if (options.emailCode) {
    router.post('/email-code', form, async (ctx) => {
      const { interaction, text } = await signingIn(ctx);
      if (!(await addressOr(ctx, interaction, text('email')))) return;
      try {
        await emailSignIn.sendCode(interaction.uid, text('email'), ctx.ip);
        await emailPage(ctx, interaction, { email: text('email'), sent: true });
      } catch (error) {
        await emailPage(ctx, interaction, { email: text('email'), error: refusal(ctx, error) });
      }
    });
    router.post('/email-code/verify', form, async (ctx) => {
      const { interaction, text } = await signingIn(ctx);
      try {
        const accountId = await emailSignIn.checkCode(interaction.uid, text('email'), text('code').replace(/\s/g, ''));
        seeOther(ctx, await signIn.firstFactorDone(ctx, interaction, accountId, emailSignIn.amr, 'email_code'));
      } catch (error) {
        onSignIn('email_code', error instanceof AppError ? error.code : 'error');
        await emailPage(ctx, interaction, { email: text('email'), error: refusal(ctx, error) });
      }
    });
  }

  if (options.magicLink) {
    router.post('/magic-link', form, async (ctx) => {
      const { interaction, text } = await signingIn(ctx);
      if (!(await addressOr(ctx, interaction, text('email')))) return;
      try {
        await emailSignIn.sendLink(interaction.uid, text('email'), ctx.ip);
      } catch (error) {
        return pages.loginPage(ctx, interaction, { error: refusal(ctx, error) });
      }
      pages.show(ctx, 'message', {
        title: 'Check your email', message: `If ${text('email')} belongs to an account, we sent it a sign-in link. Open it in this browser.`,
      });
    });
    // the mailed link shows a button: mail scanners that follow links sign nobody in
    router.get('/magic', async (ctx) => {
      const interaction = await pages.details(ctx);
      pages.show(ctx, 'confirm-link', {
        title: 'Sign in', action: `/interaction/${interaction.uid}/magic`, button: 'Sign in', token: ctx.query.token, csrf: (await pages.common(interaction)).csrf,
      });
    });
    router.post('/magic', form, async (ctx) => {
      const { interaction, text } = await signingIn(ctx);
      const accountId = await emailSignIn.takeLink(interaction.uid, text('token'));
      seeOther(ctx, await signIn.firstFactorDone(ctx, interaction, accountId, emailSignIn.amr, 'magic_link'));
    });
  }

  return router;
}
