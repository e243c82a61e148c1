import type { EntityManager } from 'typeorm';
import { User } from '../../entities/user.entity';
import { ConflictError } from '../errors';
import { likePattern } from './like-pattern';
import { uniqueViolation } from './unique-violation';

export class UserRepository {
  constructor(private readonly em: EntityManager) {}

  async create(input: {
    username: string;
    name: string;
    email: string;
    isAdmin: boolean;
  }): Promise<User> {
    try {
      return await this.em.save(this.em.create(User, input));
    } catch (err) {
      const index = uniqueViolation(err);
      if (index === 'users_username_key')
        throw new ConflictError(`username ${input.username} is already taken`);
      if (index === 'users_email_key')
        throw new ConflictError(`a user with email ${input.email} already exists`);
      throw err;
    }
  }

  findById(id: number): Promise<User | null> {
    return this.em.findOne(User, { where: { id } });
  }

  /** The oldest instance admin, or null when there is none yet. */
  firstAdmin(): Promise<User | null> {
    return this.em.findOne(User, { where: { isAdmin: true }, order: { id: 'ASC' } });
  }

  /** One page in id order; `search` matches part of the username, name or email, any case. */
  async list(search: string | undefined, afterId: number | null, limit: number): Promise<User[]> {
    const q = this.em.createQueryBuilder(User, 'u').orderBy('u.id', 'ASC').limit(limit);
    if (search)
      q.andWhere('(u.username ILIKE :s OR u.name ILIKE :s OR u.email ILIKE :s)', {
        s: `%${likePattern(search)}%`,
      });
    if (afterId !== null) q.andWhere('u.id > :afterId', { afterId });
    return q.getMany();
  }
}
