import { sign } from 'jsonwebtoken';
import { AccessTokenVerifier } from './access-token.verifier';
import { createJwtKey } from './jwt-key';

const secret = 'unit-test-secret-that-is-long-enough-0123';
const verifier = new AccessTokenVerifier(createJwtKey(secret));
const u1 = '0b6f3c2e-8d1a-4f5e-9a7b-2c4d6e8f0a1b';
const unsigned = (claims: object) =>
  [{ alg: 'none', typ: 'JWT' }, claims]
    .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
    .join('.') + '.';

describe('AccessTokenVerifier', () => {
  it('accepts an HS256 token with sub and a known role', () => {
    const token = sign({ role: 'admin' }, secret, { subject: u1, expiresIn: 60 });
    expect(verifier.verify(token)).toEqual({ id: u1, role: 'admin' });
  });

  it.each([
    ['signed with another key', sign({ role: 'admin' }, 'another-secret-another-secret-0000', { subject: u1 })],
    ['expired', sign({ role: 'admin', exp: Math.floor(Date.now() / 1000) - 10 }, secret, { subject: u1 })],
    ['malformed', 'not.a.jwt'],
    ['alg none', unsigned({ sub: u1, role: 'admin' })],
    ['without a role', sign({}, secret, { subject: u1 })],
    ['with an unknown role', sign({ role: 'root' }, secret, { subject: u1 })],
    ['without sub', sign({ role: 'admin' }, secret)],
    ['whose sub is not a UUID', sign({ role: 'admin' }, secret, { subject: 'u1' })],
    ['whose sub is a UUID with a tail', sign({ role: 'admin' }, secret, { subject: `${u1}x` })],
    ['HS512', sign({ role: 'admin' }, secret, { subject: u1, algorithm: 'HS512' })],
  ])('rejects a token %s', (_, token) => {
    expect(verifier.verify(token)).toBeNull();
  });

  describe('a token it verified before', () => {
    afterEach(() => jest.useRealTimers());

    it('is refused from its expiry on, as a fresh verification would', () => {
      jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00.000Z') });
      const token = sign({ role: 'customer' }, secret, { subject: u1, expiresIn: 2 });
      expect(verifier.verify(token)).toEqual({ id: u1, role: 'customer' });
      jest.setSystemTime(new Date('2030-01-01T00:00:01.999Z'));
      expect(verifier.verify(token)).toEqual({ id: u1, role: 'customer' });
      jest.setSystemTime(new Date('2030-01-01T00:00:02.000Z'));
      expect(verifier.verify(token)).toBeNull();
    });

    it('still answers for its own caller only, whatever else was verified since', () => {
      const u2 = '1c7a4d3f-9e2b-4a6f-8b8c-3d5e7f9a1b2c';
      const first = sign({ role: 'customer' }, secret, { subject: u1, expiresIn: 60 });
      const second = sign({ role: 'admin' }, secret, { subject: u2, expiresIn: 60 });
      expect(verifier.verify(first)).toEqual({ id: u1, role: 'customer' });
      expect(verifier.verify(second)).toEqual({ id: u2, role: 'admin' });
      expect(verifier.verify(first)).toEqual({ id: u1, role: 'customer' });
      expect(verifier.verify(`${first.slice(0, -2)}AA`)).toBeNull();
    });
  });
});
