import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import Router from '@koa/router';
import type { Brand } from '../config/config.ts';
import { VIEWS_DIR } from './views.ts';

const require = createRequire(import.meta.url);

/** The pages' stylesheets (the static one and the brand colour) and scripts, all from our own origin. */
export function createAssetsRouter(brand: Brand): Router {
  const style = fs.readFileSync(path.join(VIEWS_DIR, 'assets', 'style.css'), 'utf8');
  const brandCss = `:root { --accent: ${brand.color}; }\n`;
  const router = new Router({ prefix: '/assets' });
  const css = (body: string) => (ctx: { type: string; body: string; set(k: string, v: string): void }) => {
    ctx.type = 'text/css';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = body;
  };
  router.get('/style.css', css(style));
  router.get('/brand.css', css(brandCss));
  // WebAuthn in the browser: @simplewebauthn/browser and our glue, served from our origin (CSP 'self')
  const script = (body: string) => (ctx: { type: string; body: string; set(k: string, v: string): void }) => {
    ctx.type = 'text/javascript';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = body;
  };
  const browserBundle = path.join(path.dirname(require.resolve('@simplewebauthn/browser')), '..', 'dist', 'bundle', 'index.umd.min.js');
  router.get('/webauthn.js', script(fs.readFileSync(browserBundle, 'utf8')));
  router.get('/passkeys.js', script(fs.readFileSync(path.join(VIEWS_DIR, 'assets', 'passkeys.js'), 'utf8')));
  router.get('/saml-post.js', script(fs.readFileSync(path.join(VIEWS_DIR, 'assets', 'saml-post.js'), 'utf8')));
  return router;
}
