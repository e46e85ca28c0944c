import type { Context } from 'koa';
import type { Render } from '../http/views.ts';

/** A SAML message for the HTTP-POST binding (Bindings §3.5): where it goes and what it carries. */
export interface PostForm {
  url: string;
  param: 'SAMLRequest' | 'SAMLResponse';
  /** The message, base64. */
  value: string;
  relayState?: string;
  /** Named on the button people press when JavaScript is off. */
  spName: string;
}

/** The page that posts it: submitted by a script file (CSP intact), a button without JavaScript; never cached. */
export function showPostForm(ctx: Context, render: Render, title: string, form: PostForm): void {
  ctx.set('Cache-Control', 'no-store');
  ctx.status = 200;
  ctx.type = 'html';
  ctx.body = render('saml-post', { title, ...form });
}
