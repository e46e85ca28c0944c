import type { EntityManager } from 'typeorm';
import { AppError } from '../app-error.ts';
import { isUuid } from '../uuid.ts';
import { normalizeEmail, type Account, type AccountFields, type AccountStore } from '../accounts/account.ts';
import { AccountEntity } from './entities/account.ts';

const UNIQUE_VIOLATION = '23505';

export function accountRepository(manager: EntityManager): AccountStore {
  const repo = manager.getRepository(AccountEntity);
  return {
    findById: async (id) => (isUuid(id) ? (await repo.findOneBy({ id })) ?? undefined : undefined),
    findByEmail: async (email) => (await repo.findOneBy({ email: normalizeEmail(email) })) ?? undefined,
    list: () => repo.find({ order: { email: 'ASC' } }),
    page: ({ afterEmail, limit, search }) => {
      const query = repo.createQueryBuilder('a').orderBy('a.email', 'ASC').limit(limit);
      if (afterEmail !== undefined) query.andWhere('a.email > :afterEmail', { afterEmail });
      if (search) query.andWhere("(a.email ILIKE :pattern OR a.name ILIKE :pattern)", { pattern: `%${search.replace(/[\\%_]/g, '\\$&')}%` });
      return query.getMany();
    },
    create: (fields) => emailUnique(fields.email, async () => repo.save(repo.create({ ...fields, email: normalizeEmail(fields.email) })) as Promise<Account>),
    async update(id, fields: Partial<AccountFields>) {
      const changes = fields.email === undefined ? fields : { ...fields, email: normalizeEmail(fields.email) };
      await emailUnique(fields.email ?? '', () => repo.update({ id }, changes));
    },
  };
}

async function emailUnique<T>(email: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new AppError('email_taken', 409, `an account with the email ${email} already exists`);
    throw error;
  }
}
