import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import type { Brand } from '../config/config.ts';

export const VIEWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../views');

export type Render = (view: string, data?: Record<string, unknown>) => string;

/** Server-rendered pages from views/, auto-escaped, every one in the branded layout. */
export function createRenderer(brand: Brand, production: boolean): Render {
  const eta = new Eta({ views: VIEWS_DIR, autoEscape: true, cache: production });
  return (view, data = {}) => eta.render(view, { brand, title: brand.name, ...data });
}
