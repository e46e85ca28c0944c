import crypto from 'node:crypto';
import { AppError } from '../app-error.ts';
import type { Actor } from '../audit/changes.ts';
import { SECRET_METHODS, type ClientService } from '../clients/client-service.ts';
import type { ClientMetadata } from '../clients/client-store.ts';
import type { Store } from '../store/open-store.ts';
import { checkIfMatch } from './etag.ts';
import { pageOf, type Page, type PageRequest } from './paging.ts';

/** A client as operators see it: its metadata, never its secret (shown once, at creation or rotation). */
export type ClientView = Omit<ClientMetadata, 'client_secret'> & { has_secret: boolean };

export const clientView = ({ client_secret: secret, ...rest }: ClientMetadata): ClientView => ({ ...rest, has_secret: secret !== undefined });

/** RFC 7396 JSON merge patch, one level deep as client metadata is: null removes a field. */
function mergePatch(current: ClientMetadata, patch: Record<string, unknown>): ClientMetadata {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next as ClientMetadata;
}

interface Deps {
  clients: ClientService;
  transaction: Store['transaction'];
}

/** What operators do to OIDC clients, from the CLI, the admin API and the admin UI alike; every change audited. */
export function manageClients({ clients, transaction }: Deps) {
  const found = async (find: (id: string) => Promise<ClientMetadata | undefined>, id: string) => {
    const metadata = await find(id);
    if (!metadata) throw new AppError('client_not_found', 404, `no client with client_id ${id}`);
    return metadata;
  };

  /** Reads, checks the caller's version, writes the next metadata, holding the client's lock. */
  async function change(actor: Actor, id: string, ifMatch: string | undefined, action: string, next: (current: ClientMetadata) => Promise<ClientMetadata>) {
    return transaction(async (repos) => {
      await repos.lock(`client:${id}`);
      const current = await found(repos.clients.find, id);
      checkIfMatch(ifMatch, clientView(current));
      const metadata = await next(current);
      await repos.clients.save(metadata);
      await repos.record(actor, action, { type: 'client', id }, current, metadata);
      return metadata;
    });
  }

  return {
    page: async (request: PageRequest): Promise<Page<ClientView>> => pageOf((await clients.list()).map(clientView), (c) => String(c.client_id), request),
    get: async (id: string) => clientView(await found(clients.find, id)),

    /** Creates a client; a generated secret comes back once in `client_secret`. */
    async create(actor: Actor, input: Record<string, unknown>): Promise<{ client: ClientView; client_secret?: string; warnings: string[] }> {
      const { metadata, warnings } = await clients.prepare(input);
      await transaction(async (repos) => {
        await repos.lock(`client:${metadata.client_id}`);
        if (await repos.clients.find(metadata.client_id)) throw new AppError('client_exists', 409, `a client with client_id ${metadata.client_id} already exists`);
        await repos.clients.save(metadata);
        await repos.record(actor, 'client.create', { type: 'client', id: metadata.client_id }, undefined, metadata);
      });
      const generated = input.client_secret === undefined && metadata.client_secret !== undefined;
      return { client: clientView(metadata), ...(generated ? { client_secret: String(metadata.client_secret) } : {}), warnings };
    },

    /** Applies a JSON merge patch to the metadata (RFC 7396); the result is validated as a new client would be. */
    async update(actor: Actor, id: string, patch: Record<string, unknown>, ifMatch?: string): Promise<{ client: ClientView; warnings: string[] }> {
      for (const key of ['client_id', 'client_secret']) {
        if (key in patch) throw new AppError('invalid_request', 400, `${key}: cannot be changed here${key === 'client_secret' ? '; rotate the secret instead' : ''}`);
      }
      let warnings: string[] = [];
      const after = await change(actor, id, ifMatch, 'client.update', async (current) => {
        const prepared = await clients.prepare(mergePatch(current, patch));
        warnings = prepared.warnings;
        return prepared.metadata;
      });
      return { client: clientView(after), warnings };
    },

    /** A new secret, shown once; the old one stops working at once. */
    async rotateSecret(actor: Actor, id: string, ifMatch?: string): Promise<{ client: ClientView; client_secret: string }> {
      const secret = crypto.randomBytes(32).toString('base64url');
      const after = await change(actor, id, ifMatch, 'client.rotate_secret', async (current) => {
        const method = (current.token_endpoint_auth_method as string | undefined) ?? 'client_secret_basic';
        if (!SECRET_METHODS.has(method)) throw new AppError('invalid_request', 400, `the client authenticates with ${method}, which uses no client_secret`);
        return { ...current, client_secret: secret };
      });
      return { client: clientView(after), client_secret: secret };
    },

    async delete(actor: Actor, id: string, ifMatch?: string): Promise<void> {
      await transaction(async (repos) => {
        await repos.lock(`client:${id}`);
        const before = await found(repos.clients.find, id);
        checkIfMatch(ifMatch, clientView(before));
        await repos.clients.delete(id);
        await repos.record(actor, 'client.delete', { type: 'client', id }, before, undefined);
      });
    },
  };
}

export type ManagedClients = ReturnType<typeof manageClients>;
