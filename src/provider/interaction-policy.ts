import { interactionPolicy } from 'oidc-provider';

/**
 * oidc-provider's login → consent policy, with a requestable select_account prompt first
 * (OIDC Core §3.1.2.1): asked for, it lets the user continue as the signed-in account or sign
 * in as another one.
 */
export function createInteractionPolicy() {
  const policy = interactionPolicy.base();
  policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }), 0);
  return policy;
}
