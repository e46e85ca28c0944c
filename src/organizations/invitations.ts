import crypto from 'node:crypto';
import { AppError } from '../app-error.ts';
import { hashLinkToken } from '../accounts/email-tokens.ts';
import type { Account } from '../accounts/account.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Invitation, Membership, Organization, OrganizationStore } from './organization.ts';

/** How long an invitation link works. */
export const INVITATION_TTL_SECONDS = 7 * 86400;

export interface InvitationMail {
  mailer: Mailer;
  issuer: string;
  service: string;
}

/** The link's token: 256 random bits in base64url; only its SHA-256 is stored. */
const hashOf = hashLinkToken;

const expired = () => new AppError('invitation_expired', 400, 'This invitation has expired or was already used. Ask for a new one.');

/**
 * Invitations by email (like the account links of src/accounts/email-tokens.ts): a single-use,
 * expiring link, stored hashed, used up atomically, and only by the invited address.
 */
export function createInvitations({ store, mail }: { store: OrganizationStore; mail: InvitationMail }) {
  const { mailer, issuer, service } = mail;
  const open = async (token: unknown): Promise<{ invitation: Invitation; organization: Organization }> => {
    const hash = hashOf(token);
    const invitation = hash ? await store.findInvitation(hash) : undefined;
    const organization = invitation && await store.findById(invitation.organizationId);
    if (!invitation || !organization) throw expired();
    return { invitation, organization };
  };

  return {
    async send(org: Organization, email: string, roles: string[], inviter: string): Promise<{ expiresAt: Date }> {
      const token = crypto.randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + INVITATION_TTL_SECONDS * 1000);
      await store.addInvitation({ tokenHash: hashOf(token)!, organizationId: org.id, email, roles, inviter, expiresAt });
      await mailer.send({
        to: email, subject: `You are invited to join ${org.name} on ${service}`,
        text: `You are invited to join ${org.name}. Accept the invitation here:\n\n${issuer}/invitations/accept?token=${token}\n\n`
          + `Sign in (or create an account) with this address, ${email}, to accept. The link works once, for 7 days. `
          + 'If you did not expect it, ignore this message.',
      });
      return { expiresAt };
    },

    /** The organization and address an invitation is for, left unused. */
    async peek(token: unknown): Promise<{ organization: Organization; email: string; roles: string[] }> {
      const { invitation, organization } = await open(token);
      return { organization, email: invitation.email, roles: invitation.roles };
    },

    async accept(token: unknown, account: Pick<Account, 'id' | 'email'>): Promise<{ organization: Organization; membership: Membership }> {
      const { invitation, organization } = await open(token);
      if (invitation.email !== account.email) {
        throw new AppError('invitation_for_another', 403,
          `This invitation is for ${invitation.email}, but you are signed in as ${account.email}. Sign out and sign in with the invited address.`);
      }
      const membership = await store.acceptInvitation(invitation.tokenHash, account.email, account.id);
      if (!membership) throw expired(); // used meanwhile by another request
      return { organization, membership };
    },
  };
}
