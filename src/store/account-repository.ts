import type { EntityManager } from 'typeorm';
import { AppError } from '../app-error.ts';
import { normalizeEmail, type Account, type AccountFields, type AccountStore } from '../accounts/account.ts';
import { AccountEntity } from './entities/account.ts';

const UNIQUE_VIOLATION = '23505';

export function accountRepository(manager: EntityManager): AccountStore {
  const repo = manager.getRepository(AccountEntity);
  return {
    findById: async (id) => (isUuid(id) ? (await repo.findOneBy({ id })) ?? undefined : undefined),
    findByEmail: async (email) => (await repo.findOneBy({ email: normalizeEmail(email) })) ?? undefined,
    list: () => repo.find({ order: { email: 'ASC' } }),
    async create(fields) {
      try {
        return await repo.save(repo.create({ ...fields, email: normalizeEmail(fields.email) })) as Account;
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
          throw new AppError('email_taken', 409, `an account with the email ${fields.email} already exists`);
        }
        throw error;
      }
    },
    async update(id, fields: Partial<AccountFields>) {
      const changes = fields.email === undefined ? fields : { ...fields, email: normalizeEmail(fields.email) };
      await repo.update({ id }, changes);
    },
  };
}

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
