import type Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Context } from 'koa';
import { AppError } from '../app-error.ts';
import { formFields, refusal } from '../http/forms.ts';
import type { SecondFactorMethod } from '../mfa/mfa-service.ts';
import { interactionRouter, seeOther } from './pages.ts';
import type { InteractionRoutesDeps } from './routes.ts';

const CODE_METHODS: SecondFactorMethod[] = ['totp', 'recovery', 'email_code'];

/** The second step of a sign-in, or the step-up of a session: a code, an emailed code, or a passkey. */
export function createSecondFactorRouter({ accounts, mfa, signIn, onSignIn, pages, form }: InteractionRoutesDeps): Router {
  const router = interactionRouter('/interaction/:uid/mfa');
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: '64kb' });
  /** The posted interaction and the sign-in waiting in it for a second factor. */
  const waiting = async (ctx: Context) => {
    const interaction = await pages.posted(ctx);
    const state = await signIn.pendingFor(interaction);
    if (!state) throw new AppError('wrong_step', 400, 'This sign-in step is already done.');
    return { interaction, state };
  };

  router.post('/', form, async (ctx) => {
    const { interaction, state } = await waiting(ctx);
    const field = formFields(ctx);
    const method = field('method') as SecondFactorMethod;
    if (!CODE_METHODS.includes(method) || !field('code').trim()) {
      ctx.status = 400;
      return pages.mfaPage(ctx, interaction, state, { error: 'Enter the code.', method });
    }
    try {
      const amr = await mfa.verify(method, state.accountId, field('code'), interaction.uid);
      seeOther(ctx, await signIn.secondFactorDone(ctx, interaction, state, amr, method));
    } catch (error) {
      if (error instanceof AppError) {
        onSignIn(method, error.code);
        await signIn.event(ctx, state.accountId, 'mfa_failed', { method, reason: error.code });
      }
      await pages.mfaPage(ctx, interaction, state, { error: refusal(ctx, error), method });
    }
  });

  router.post('/email', form, async (ctx) => {
    const { interaction, state } = await waiting(ctx);
    const account = await accounts.findById(state.accountId);
    if (!account) throw new AppError('wrong_step', 400, 'This sign-in step is already done.');
    try {
      await mfa.sendEmailCode(interaction.uid, account);
      await pages.mfaPage(ctx, interaction, state, { sent: account.email, method: 'email_code' });
    } catch (error) {
      await pages.mfaPage(ctx, interaction, state, { error: refusal(ctx, error), method: 'email_code' });
    }
  });

  // the page's script runs the WebAuthn ceremony and posts JSON; the answer says where to go
  router.post('/passkey/options', json, async (ctx) => {
    const { interaction, state } = await waiting(ctx);
    ctx.body = await mfa.passkeys.authenticationOptions(`mfa:${interaction.uid}`, state.accountId);
  });
  router.post('/passkey', json, async (ctx) => {
    const { interaction, state } = await waiting(ctx);
    await mfa.passkeys.authenticate(`mfa:${interaction.uid}`, (ctx.request.body as Record<string, unknown>).response, state.accountId);
    ctx.body = { location: await signIn.secondFactorDone(ctx, interaction, state, ['hwk', 'user'], 'passkey') };
  });

  return router;
}
