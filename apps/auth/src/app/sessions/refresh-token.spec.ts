import { formatRefreshToken, hashSecret, newRefreshToken, parseRefreshToken } from './refresh-token';

describe('refresh token format', () => {
  it('round-trips', () => {
    const token = newRefreshToken();
    expect(parseRefreshToken(formatRefreshToken(token))).toEqual(token);
  });

  it.each([
    '',
    'abc',
    'not-a-uuid.secret',
    `${newRefreshToken().id}.short`,
    `${formatRefreshToken(newRefreshToken())}.extra`,
  ])('rejects %p', (value) => expect(parseRefreshToken(value)).toBeNull());

  it('hashes secrets deterministically without revealing them', () => {
    const { secret } = newRefreshToken();
    expect(hashSecret(secret)).toBe(hashSecret(secret));
    expect(hashSecret(secret)).not.toContain(secret);
  });
});
