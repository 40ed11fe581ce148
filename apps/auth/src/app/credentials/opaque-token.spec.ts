import { formatOpaqueToken, hashSecret, newOpaqueToken, parseOpaqueToken } from './opaque-token';

describe('opaque token format', () => {
  it('round-trips', () => {
    const token = newOpaqueToken();
    expect(parseOpaqueToken(formatOpaqueToken(token))).toEqual(token);
  });

  it.each([
    '',
    'abc',
    'not-a-uuid.secret',
    `${newOpaqueToken().id}.short`,
    `${formatOpaqueToken(newOpaqueToken())}.extra`,
  ])('rejects %p', (value) => expect(parseOpaqueToken(value)).toBeNull());

  it('hashes secrets deterministically without revealing them', () => {
    const { secret } = newOpaqueToken();
    expect(hashSecret(secret)).toBe(hashSecret(secret));
    expect(hashSecret(secret)).not.toContain(secret);
  });
});
