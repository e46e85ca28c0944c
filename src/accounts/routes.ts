import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Context } from 'koa';
import { AppError } from '../app-error.ts';
import { browserBinding, type Csrf } from '../http/csrf.ts';
import type { Render } from '../http/views.ts';
import { formFields, refusal } from '../http/forms.ts';
import { isEmailAddress } from './account.ts';
import type { AccountFlows } from './account-flows.ts';
import { limited, type AttemptLimiter, type LimiterFactory } from './attempt-limiter.ts';

interface Deps {
  flows: AccountFlows;
  csrf: Csrf;
  render: Render;
  limiters: LimiterFactory;
  registration: boolean;
}

/** Only a sign-in page of ours may be returned to after a mailed link (no open redirect). */
const safeReturn = (value: unknown) => (typeof value === 'string' && /^\/interaction\/[\w-]+$/.test(value) ? value : undefined);

/** Registration, email verification and password reset pages. */
export function createAccountRoutes({ flows, csrf, render, limiters, registration }: Deps): Router {
  const router = new Router();
  const form = bodyParser({ enableTypes: ['form'], formLimit: '16kb' });
  // mail is sent on these: bound per IP and per address, so nobody is flooded (OWASP ASVS V2.2.1)
  const mailPerIp: AttemptLimiter = limiters({ name: 'mail-ip', points: 20, durationSeconds: 900 });
  const mailPerAddress: AttemptLimiter = limiters({ name: 'mail-address', points: 3, durationSeconds: 900 });

  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });
  const page = (ctx: Context, view: string, data: Record<string, unknown> = {}) => {
    ctx.type = 'html';
    ctx.body = render(view, { csrf: csrf.tokenFor(browserBinding(ctx)), ...data });
  };
  const fields = (ctx: Context) => {
    if (!csrf.verify(browserBinding(ctx), (ctx.request.body as Record<string, unknown>)?.csrf)) {
      throw new AppError('csrf', 403, 'The form has expired or did not come from this site. Go back and try again.');
    }
    return formFields(ctx);
  };
  const limitMail = async (ctx: Context, email: string) => {
    const wait = (await mailPerIp.hit(ctx.ip)) || (await mailPerAddress.hit(email.trim().toLowerCase()));
    if (wait) throw limited('rate_limited', 'emails asked for', wait);
  };
  const by = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined });
  const formError = async (ctx: Context, view: string, data: Record<string, unknown>, run: () => Promise<void>) => {
    try {
      await run();
    } catch (error) {
      page(ctx, view, { ...data, error: refusal(ctx, error, ['rate_limited']) }); // too many mails: the error page says when to retry
    }
  };

  if (registration) {
    router.get('/register', (ctx) => page(ctx, 'register', { title: 'Create an account', returnTo: safeReturn(ctx.query.return_to) }));
    router.post('/register', form, async (ctx) => {
      const text = fields(ctx);
      const data = { title: 'Create an account', email: text('email'), name: text('name'), returnTo: safeReturn(text('return_to')) };
      await formError(ctx, 'register', data, async () => {
        if (!isEmailAddress(text('email'))) throw new AppError('invalid_email', 400, 'Enter a valid email address.');
        if (!text('name').trim() || text('name').length > 200) throw new AppError('invalid_name', 400, 'Enter your name (at most 200 characters).');
        if (text('password') !== text('password_confirm')) throw new AppError('password_mismatch', 400, 'The two passwords differ.');
        const input = { email: text('email'), name: text('name').trim(), password: text('password'), returnTo: data.returnTo };
        await flows.register(input, () => limitMail(ctx, input.email));
        page(ctx, 'message', { title: 'Check your email', message: `We sent a link to ${text('email')}. Follow it to finish creating your account.` });
      });
    });
    router.get('/register/confirm', (ctx) => page(ctx, 'confirm-link', {
      title: 'Finish creating your account', action: '/register/confirm', button: 'Create my account',
      token: ctx.query.token, returnTo: safeReturn(ctx.query.return_to),
    }));
    router.post('/register/confirm', form, async (ctx) => {
      const text = fields(ctx);
      await flows.confirmRegistration(text('token'), by(ctx));
      page(ctx, 'message', { title: 'Your account is ready', message: 'You can now sign in.', next: safeReturn(text('return_to')) });
    });
  }

  // A mailed link only shows a button: mail scanners that follow links use nothing up.
  router.get('/verify-email', (ctx) => page(ctx, 'confirm-link', {
    title: 'Verify your email address', action: '/verify-email', button: 'Verify my address', token: ctx.query.token,
  }));
  router.post('/verify-email', form, async (ctx) => {
    await flows.verifyEmail(fields(ctx)('token'), by(ctx));
    page(ctx, 'message', { title: 'Email address verified', message: 'Thank you: your email address is verified.' });
  });

  router.get('/forgot-password', (ctx) => page(ctx, 'forgot-password', { title: 'Reset your password', returnTo: safeReturn(ctx.query.return_to) }));
  router.post('/forgot-password', form, async (ctx) => {
    const text = fields(ctx);
    await formError(ctx, 'forgot-password', { title: 'Reset your password', email: text('email') }, async () => {
      if (!isEmailAddress(text('email'))) throw new AppError('invalid_email', 400, 'Enter a valid email address.');
      await flows.requestReset(text('email'), () => limitMail(ctx, text('email')));
      page(ctx, 'message', {
        title: 'Check your email',
        message: `If ${text('email')} belongs to an account, we sent it a link to choose a new password.`,
      });
    });
  });
  router.get('/reset-password', async (ctx) => {
    if (!(await flows.resetIsValid(ctx.query.token))) throw new AppError('link_expired', 400, 'This link has expired or was already used. Ask for a new one.');
    page(ctx, 'reset-password', { title: 'Choose a new password', token: ctx.query.token });
  });
  router.post('/reset-password', form, async (ctx) => {
    const text = fields(ctx);
    await formError(ctx, 'reset-password', { title: 'Choose a new password', token: text('token') }, async () => {
      if (text('password') !== text('password_confirm')) throw new AppError('password_mismatch', 400, 'The two passwords differ.');
      await flows.resetPassword(text('token'), text('password'), by(ctx));
      page(ctx, 'message', { title: 'Password changed', message: 'Your password is changed and every session was signed out. Sign in with the new one.' });
    });
  });

  return router;
}
