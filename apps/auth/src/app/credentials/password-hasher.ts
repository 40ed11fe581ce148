import { Injectable, type OnModuleInit } from '@nestjs/common';
import { argon2id, hash, verify } from 'argon2';

/**
 * argon2id at OWASP's minimum (19 MiB, t=2, p=1): ≈10× cheaper than the library default,
 * which matters when login is the hottest CPU path of the system.
 */
const OPTIONS = { type: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordHasher implements OnModuleInit {
  /** Verified against when the email is unknown, so that case costs what a wrong password costs. */
  private decoy: string;

  async onModuleInit(): Promise<void> {
    this.decoy = await this.hash('decoy password, never matches');
  }

  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  /** `hash` undefined means "no such user": the same work is done and the answer is false. */
  async verify(hash: string | undefined, password: string): Promise<boolean> {
    const matches = await verify(hash ?? this.decoy, password);
    return hash !== undefined && matches;
  }
}
