import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import { AppError } from '../app-error.ts';

export type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/** The browser's interaction (from its interaction cookie), which must be the one in the URL. */
export async function interactionOf(provider: Provider, ctx: Context, uid: string | undefined): Promise<Interaction> {
  try {
    const interaction = await provider.interactionDetails(ctx.req, ctx.res);
    if (interaction.uid !== uid) throw new errors.SessionNotFound('interaction mismatch');
    return interaction;
  } catch (error) {
    if (error instanceof errors.SessionNotFound) {
      throw new AppError('interaction_expired', 400, 'This sign-in page has expired. Go back to the application and start again.');
    }
    throw error;
  }
}
