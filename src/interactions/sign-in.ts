import crypto from 'node:crypto';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { AppError } from '../app-error.ts';
import type { SecurityEventStore } from '../accounts/security-events.ts';
import type { SingleUseStore } from '../accounts/single-use.ts';
import { acrFor } from '../mfa/acr.ts';
import type { Mfa, MfaReason } from '../mfa/mfa-service.ts';
import { requestedAcr } from '../provider/interaction-policy.ts';
import type { RiskService } from '../risk/risk-service.ts';
import type { RiskAssessment } from '../risk/risk-engine.ts';
import { organizationRequiresMfa, type OrganizationLookup } from '../organizations/organization-claims.ts';
import { requestedOrganization } from '../provider/organization-hint.ts';
import type { Interaction } from './interaction.ts';


/** A sign-in whose first factor is done and whose second is due, kept for the interaction. */
export interface PendingSignIn {
  accountId: string;
  amr: string[];
  method: string;
  reasons: MfaReason[];
}

interface Deps {
  provider: Provider;
  mfa: Mfa;
  risk: RiskService;
  events: SecurityEventStore;
  pending: SingleUseStore;
  organizations: OrganizationLookup;
  onSignIn: (method: string, outcome: string) => void;
  /** Told whenever a second factor is asked for, with why. */
  onMfaRequired: (reasons: MfaReason[]) => void;
}

const DEVICE_COOKIE = 'gatehouse.device';
const DEVICE_DAYS = 400; // the longest lifetime browsers allow a cookie

/**
 * How a sign-in ends: after the first factor the risk engine and the MFA rule decide whether a
 * second factor is due; only then does the interaction's login complete, with the amr and acr
 * of what happened (RFC 8176, OIDC Core §2). A session never holds a half-done sign-in.
 */
export function createSignIn({ provider, mfa, risk, events, pending, organizations, onSignIn, onMfaRequired }: Deps) {
  const pendingKey = (uid: string) => `pending-sign-in:${uid}`;
  const attempt = (ctx: Context) => ({
    ip: ctx.ip, userAgent: ctx.get('user-agent') || undefined, deviceId: ctx.cookies.get(DEVICE_COOKIE, { signed: true }) ?? undefined,
  });
  const clientOf = async (interaction: Interaction) =>
    (typeof interaction.params.client_id === 'string' ? await provider.Client.find(interaction.params.client_id) : undefined);

  const complete = async (ctx: Context, interaction: Interaction, accountId: string, amr: string[], method: string, risk?: RiskAssessment) => {
    let deviceId = attempt(ctx).deviceId;
    if (!deviceId) {
      deviceId = crypto.randomBytes(16).toString('base64url');
      ctx.cookies.set(DEVICE_COOKIE, deviceId, {
        signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/', maxAge: DEVICE_DAYS * 86400_000, overwrite: true,
      });
    }
    const acr = acrFor(amr);
    await events.record({
      accountId, kind: 'sign_in', ip: ctx.ip, userAgent: ctx.get('user-agent') || null, deviceId, detail: { method, amr, acr, ...(risk ? { risk } : {}) },
    });
    onSignIn(method, 'success');
    const choosing = interaction.prompt.name === 'select_account';
    return provider.interactionResult(ctx.req, ctx.res, {
      login: { accountId, amr, acr, remember: true }, ...(choosing ? { select_account: {} } : {}),
    }, { mergeWithLastSubmission: false });
  };

  return {
    /** The sign-in waiting for its second factor in this interaction: a fresh one, or a session to step up. */
    async pendingFor(interaction: Interaction): Promise<PendingSignIn | undefined> {
      const stored = await pending.peek(pendingKey(interaction.uid));
      if (stored) return stored as unknown as PendingSignIn;
      if (interaction.prompt.name === 'mfa' && interaction.session) {
        const session = interaction.session as { accountId: string; amr?: string[] };
        const why = interaction.prompt.reasons;
        const reasons: MfaReason[] = why.includes('acr_required') ? ['acr'] : why.includes('organization_mfa') ? ['organization'] : ['enrolled'];
        return { accountId: session.accountId, amr: session.amr ?? [], method: 'session', reasons };
      }
      return undefined;
    },

    /** The first factor checked out: refuse, ask for a second factor, or complete. Answers where to go next. */
    async firstFactorDone(ctx: Context, interaction: Interaction, accountId: string, amr: string[], method: string): Promise<string> {
      const assessment = await risk.assess(accountId, attempt(ctx));
      // a decision that changes the sign-in is an event of its own; an "allow" rides on the event that follows
      if (assessment.decision !== 'allow') await risk.record(accountId, attempt(ctx), assessment);
      const allowed = assessment.decision === 'allow' ? { risk: assessment } : {};
      if (assessment.decision === 'deny') {
        onSignIn(method, 'risk_denied');
        throw new AppError('sign_in_refused', 403, 'This sign-in was refused because it looks unusual. Try again later from a device you have used before, or contact your administrator.');
      }
      const organizationRequires = await organizationRequiresMfa(organizations, requestedOrganization(interaction.params), accountId);
      const reasons = await mfa.reasons(accountId, amr, requestedAcr(interaction.params, await clientOf(interaction) as never), assessment.decision, organizationRequires);
      if (!reasons.length) return complete(ctx, interaction, accountId, amr, method, allowed.risk);
      const state: PendingSignIn = { accountId, amr, method, reasons };
      await pending.put(pendingKey(interaction.uid), state as never, 3600);
      onMfaRequired(reasons);
      await events.record({ accountId, kind: 'mfa_required', ip: ctx.ip, userAgent: ctx.get('user-agent') || null, deviceId: attempt(ctx).deviceId ?? null, detail: { reasons, ...allowed } });
      return `/interaction/${interaction.uid}`;
    },

    /** The second factor checked out: the sign-in completes with both factors' amr and "mfa". */
    async secondFactorDone(ctx: Context, interaction: Interaction, state: PendingSignIn, factorAmr: string[], method: string): Promise<string> {
      await pending.remove(pendingKey(interaction.uid));
      const amr = [...new Set([...state.amr, ...factorAmr, 'mfa'])];
      return complete(ctx, interaction, state.accountId, amr, `${state.method}+${method}`);
    },

    /** Another event of the interaction (consent, a refusal, a lockout, a failed second factor), with where it came from. */
    event: (ctx: Context, accountId: string | null, kind: string, detail: Record<string, unknown>) => events.record({
      accountId, kind, ip: ctx.ip, userAgent: ctx.get('user-agent') || null, deviceId: attempt(ctx).deviceId ?? null, detail,
    }),

    /** A failed first factor, kept for the risk engine (failures per account and per IP). */
    failed: (ctx: Context, accountId: string | null, reason: string) => events.record({
      accountId, kind: 'sign_in_failed', ip: ctx.ip, userAgent: ctx.get('user-agent') || null, deviceId: attempt(ctx).deviceId ?? null, detail: { reason },
    }),
  };
}

export type SignIn = ReturnType<typeof createSignIn>;
