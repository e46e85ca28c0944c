import { COLOR, type Organization } from './organization.ts';

/** What the sign-in pages show of an organization. */
export interface Branding {
  id: string;
  name: string;
  logoUrl: string | null;
  /** Whether /assets/organizations/<id>.css has colours to apply. */
  styled: boolean;
}

export const brandingOf = (org: Organization): Branding => ({
  id: org.id, name: org.name, logoUrl: org.logoUrl, styled: Boolean(org.primaryColor || org.backgroundColor),
});

/**
 * The organization's colours as a stylesheet served from our origin (the CSP allows no inline
 * styles). Each colour is checked against #rrggbb once more here, so nothing stored can inject CSS.
 */
export function brandingCss(org: Pick<Organization, 'primaryColor' | 'backgroundColor'>): string {
  const safe = (color: string | null) => (color && COLOR.test(color) ? color : undefined);
  const primary = safe(org.primaryColor);
  const background = safe(org.backgroundColor);
  return [
    primary ? `:root { --accent: ${primary}; }` : '',
    background ? `body { background: ${background}; }` : '',
  ].filter(Boolean).join('\n') + '\n';
}
