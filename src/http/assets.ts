import fs from 'node:fs';
import path from 'node:path';
import Router from '@koa/router';
import type { Brand } from '../config/config.ts';
import { VIEWS_DIR } from './views.ts';

/** The pages' stylesheets: the static one and the brand colour, both from our own origin. */
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
  return router;
}
