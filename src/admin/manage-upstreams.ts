import { AppError } from '../app-error.ts';
import type { Actor } from '../audit/changes.ts';
import type { Repositories, Store } from '../store/open-store.ts';
import { oidcUpstreamFrom, samlUpstreamFrom } from '../federation/upstream-input.ts';
import type { Upstream, UpstreamStore } from '../federation/upstream.ts';
import type { ImportOidcUpstream, ImportSamlUpstream } from '../import/import-schema.ts';
import { checkIfMatch } from './etag.ts';
import { pageOf, type Page, type PageRequest } from './paging.ts';

/** An upstream IdP as operators see it: never its client secret. */
export type UpstreamView = Omit<Upstream, 'clientSecret' | 'metadataXml'> & { has_client_secret?: boolean; metadata?: string };

export const upstreamView = (upstream: Upstream): UpstreamView => {
  if (upstream.kind === 'oidc') {
    const { clientSecret, ...rest } = upstream;
    return { ...rest, has_client_secret: clientSecret !== undefined };
  }
  const { metadataXml, ...rest } = upstream;
  return { ...rest, metadata: metadataXml };
};

export type UpstreamInput = ({ kind: 'oidc' } & ImportOidcUpstream) | ({ kind: 'saml' } & ImportSamlUpstream);

interface Deps {
  upstreams: UpstreamStore;
  transaction: Store['transaction'];
}

/** What operators do to upstream identity providers, from the CLI, the admin API and the admin UI alike. */
export function manageUpstreams({ upstreams, transaction }: Deps) {
  const found = async (id: string, store: UpstreamStore = upstreams) => {
    const upstream = await store.find(id);
    if (!upstream) throw new AppError('identity_provider_not_found', 404, `no upstream identity provider with id ${id}`);
    return upstream;
  };
  const resolve = async ({ kind, ...input }: UpstreamInput, baseDir: string): Promise<Upstream> => {
    if (kind === 'oidc') return oidcUpstreamFrom(input as ImportOidcUpstream);
    return samlUpstreamFrom(input as ImportSamlUpstream, baseDir).catch((error: Error) => {
      throw error instanceof AppError ? error : new AppError('invalid_metadata', 400, error.message);
    });
  };

  /** Runs a change holding the upstream's lock; the audit entry lands with it. */
  const change = <T>(id: string, fn: (tx: Repositories) => Promise<T>) => transaction(async (tx) => {
    await tx.lock(`identity-provider:${id}`);
    return fn(tx);
  });

  return {
    page: async (request: PageRequest): Promise<Page<UpstreamView>> => pageOf((await upstreams.list()).map(upstreamView), (u) => u.id, request),
    get: async (id: string) => upstreamView(await found(id)),

    async create(actor: Actor, input: UpstreamInput, baseDir = process.cwd()): Promise<UpstreamView> {
      const upstream = await resolve(input, baseDir); // metadata fetched before any lock is held
      return change(upstream.id, async (tx) => {
        if (await tx.upstreams.find(upstream.id)) throw new AppError('identity_provider_exists', 409, `an upstream identity provider with id ${upstream.id} exists already`);
        await tx.upstreams.save(upstream);
        await tx.record(actor, 'identity_provider.create', { type: 'identity_provider', id: upstream.id }, undefined, upstream);
        return upstreamView(upstream);
      });
    },

    /** Replaces an upstream's settings; its id and kind stay. A missing client secret keeps the current one. */
    async replace(actor: Actor, id: string, input: UpstreamInput, ifMatch?: string, baseDir = process.cwd()): Promise<UpstreamView> {
      if (input.id !== id) throw new AppError('invalid_request', 400, `id: is ${id} and cannot change`);
      const next = await resolve(input, baseDir);
      return change(id, async (tx) => {
        const before = await found(id, tx.upstreams);
        checkIfMatch(ifMatch, upstreamView(before));
        if (next.kind !== before.kind) throw new AppError('invalid_request', 400, `kind: is ${before.kind} and cannot change`);
        if (next.kind === 'oidc' && before.kind === 'oidc' && next.clientSecret === undefined && before.clientSecret !== undefined) next.clientSecret = before.clientSecret;
        await tx.upstreams.save(next);
        await tx.record(actor, 'identity_provider.update', { type: 'identity_provider', id }, before, next);
        return upstreamView(next);
      });
    },

    /** Creates the upstream, or replaces the one with its id (the CLI's and the import file's way). */
    async save(actor: Actor, input: UpstreamInput, baseDir = process.cwd()): Promise<UpstreamView> {
      return (await upstreams.find(input.id)) ? this.replace(actor, input.id, input, undefined, baseDir) : this.create(actor, input, baseDir);
    },

    delete: (actor: Actor, id: string, ifMatch?: string): Promise<void> => change(id, async (tx) => {
      const before = await found(id, tx.upstreams);
      checkIfMatch(ifMatch, upstreamView(before));
      await tx.upstreams.delete(id);
      await tx.record(actor, 'identity_provider.delete', { type: 'identity_provider', id }, before, undefined);
    }),
  };
}

export type ManagedUpstreams = ReturnType<typeof manageUpstreams>;
