import { ErrorCode } from '@shop/contracts';
import type { AppError } from '@shop/problem-details';
import { PasswordHasher } from '../credentials/password-hasher';
import { SessionService } from './session.service';

/** An argon2 hash's algorithm, version and cost (memory, time, parallelism): what it costs to verify. */
const cost = (hash: string) => /^\$argon2id\$v=\d+\$[^$]+\$/.exec(hash)?.[0];

describe('SessionService.login', () => {
  // Timing is not asserted (it would be flaky); the work is: an unknown email must cost one
  // argon2 verification at the cost of a real hash, as a wrong password does.
  it('spends an argon2 verification of the real cost on an unknown email, and answers as for a wrong password', async () => {
    const hasher = new PasswordHasher();
    await hasher.onModuleInit();
    const realHash = await hasher.hash('correct horse');
    const findFirst = jest.fn();
    const db = { query: { users: { findFirst } } };
    const sessions = new SessionService(db as never, {} as never, hasher, {} as never);
    // The module object itself (an `import *` would spy on a copy), which PasswordHasher calls into.
    const verify = jest.spyOn(jest.requireActual<typeof import('argon2')>('argon2'), 'verify');

    findFirst.mockResolvedValueOnce({ id: 'u1', email: 'ada@example.com', role: 'customer', passwordHash: realHash });
    const wrongPassword = await sessions.login({ email: 'ada@example.com', password: 'wrong horse' }).catch((e) => e);
    findFirst.mockResolvedValueOnce(undefined);
    const unknownEmail = await sessions.login({ email: 'nobody@example.com', password: 'wrong horse' }).catch((e) => e);

    expect((unknownEmail as AppError).toPayload()).toEqual((wrongPassword as AppError).toPayload());
    expect((unknownEmail as AppError).toPayload().code).toBe(ErrorCode.InvalidCredentials);
    expect(verify).toHaveBeenCalledTimes(2);
    const [[againstReal], [againstDecoy]] = verify.mock.calls;
    expect(againstReal).toBe(realHash);
    expect(againstDecoy).not.toBe(realHash);
    expect(cost(againstDecoy)).toBeDefined();
    expect(cost(againstDecoy)).toBe(cost(realHash));
  });
});
