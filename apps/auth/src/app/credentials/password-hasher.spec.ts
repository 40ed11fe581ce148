import { PasswordHasher } from './password-hasher';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();
  beforeAll(() => hasher.onModuleInit());

  it("hashes with argon2id at OWASP's minimum cost", async () => {
    expect(await hasher.hash('correct horse')).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });

  it('verifies the right password only', async () => {
    const hash = await hasher.hash('correct horse');
    expect(await hasher.verify(hash, 'correct horse')).toBe(true);
    expect(await hasher.verify(hash, 'wrong horse')).toBe(false);
  });

  it('answers false for an unknown user, after verifying against a decoy of the same cost', async () => {
    expect(await hasher.verify(undefined, 'decoy password, never matches')).toBe(false);
    expect((hasher as unknown as { decoy: string }).decoy).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });
});
