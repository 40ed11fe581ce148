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
});
