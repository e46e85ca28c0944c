import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Render } from '../http/views.ts';

/**
 * The device flow's pages (RFC 8628 §3.3) in Gatehouse's layout. oidc-provider hands over its
 * forms (with their CSRF token); the code field's inline focus handler is dropped, since the CSP
 * forbids inline script anyway.
 */
export function devicePages(render: Render) {
  const clientName = (ctx: KoaContextWithOIDC) => ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId;
  const page = (ctx: KoaContextWithOIDC, view: string, data: Record<string, unknown>) => {
    ctx.type = 'html';
    ctx.body = render(view, data);
  };
  return {
    async userCodeInputSource(ctx: KoaContextWithOIDC, form: string, _out: unknown, err?: { userCode?: string; name?: string }) {
      const error = !err ? undefined
        : err.userCode || err.name === 'NoCodeError' ? 'That code is not right. Check your device and try again.'
          : err.name === 'AbortedError' ? 'The sign-in was cancelled.' : 'Something went wrong. Try again.';
      page(ctx, 'device-input', { form: form.replace(/ onfocus="[^"]*"/, ''), error, title: 'Connect a device' });
    },
    async userCodeConfirmSource(ctx: KoaContextWithOIDC, form: string, _client: unknown, _deviceInfo: unknown, userCode: string) {
      page(ctx, 'device-confirm', { form, userCode, client: clientName(ctx), title: 'Connect this device?' });
    },
    async successSource(ctx: KoaContextWithOIDC) {
      page(ctx, 'device-done', { client: clientName(ctx), title: 'Device connected' });
    },
  };
}
