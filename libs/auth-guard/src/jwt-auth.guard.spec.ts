import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '@shop/problem-details';
import { sign } from 'jsonwebtoken';
import { Strategy } from 'passport-jwt';
import { AccessTokenVerifier } from './access-token.verifier';
import { createJwtKey } from './jwt-key';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';
import { Public } from './public.decorator';
import { Roles } from './roles.decorator';

const secret = 'unit-test-secret-that-is-long-enough-0123';
const U1 = '6f1c1e9a-3b1d-4c55-9a57-0d3c4e0c8a11';
const U2 = '0b6f3c2e-8d1a-4f5e-9a7b-2c4d6e8f0a1b';
new JwtStrategy(createJwtKey(secret)); // registers itself with Passport, as AuthGuardModule does
const verifier = new AccessTokenVerifier(createJwtKey(secret));
const guard = new JwtAuthGuard(new Reflector());

class Routes {
  @Public() open() {}
  anyone() {}
  @Roles('admin') admins() {}
}

/** A request to one of {@link Routes}' handlers, as Nest hands it to a guard. */
function requestTo(handler: keyof Routes, authorization?: string) {
  const request: { headers: Record<string, string>; user?: unknown } = {
    headers: authorization === undefined ? {} : { authorization },
  };
  const context = {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
  } as unknown as ExecutionContext;
  return { request, allowed: () => guard.canActivate(context) };
}

const token = (claims: object, options: object = {}) => sign(claims, secret, { expiresIn: 60, ...options });
const unsigned = (claims: object) =>
  [{ alg: 'none', typ: 'JWT' }, claims]
    .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
    .join('.') + '.';

async function refusal(allowed: () => Promise<boolean>) {
  const error = await allowed().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return { status: (error as AppError).status, code: (error as AppError).code };
}

describe('JwtAuthGuard over the Passport JWT strategy', () => {
  it('lets a public route through without a token', async () => {
    expect(await requestTo('open').allowed()).toBe(true);
  });

  it('puts the caller the token names on the request', async () => {
    const { request, allowed } = requestTo('anyone', `Bearer ${token({ role: 'customer' }, { subject: U1 })}`);
    expect(await allowed()).toBe(true);
    expect(request.user).toEqual({ id: U1, role: 'customer' });
    // The scheme is case-insensitive, as before.
    expect(await requestTo('anyone', `bearer ${token({ role: 'admin' }, { subject: U2 })}`).allowed()).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['another scheme', `Basic ${token({ role: 'admin' }, { subject: U1 })}`],
    ['two spaces', `Bearer  ${token({ role: 'admin' }, { subject: U1 })}`],
    ['another key', `Bearer ${sign({ role: 'admin' }, 'another-secret-another-secret-0000', { subject: U1 })}`],
    ['expired', `Bearer ${sign({ role: 'admin', exp: Math.floor(Date.now() / 1000) - 10 }, secret, { subject: U1 })}`],
    ['alg none', `Bearer ${unsigned({ sub: U1, role: 'admin' })}`],
    ['HS512', `Bearer ${token({ role: 'admin' }, { subject: U1, algorithm: 'HS512' })}`],
    ['no sub', `Bearer ${token({ role: 'admin' })}`],
    ['a sub that is no user id', `Bearer ${token({ role: 'admin' }, { subject: 'u1' })}`],
    ['an unknown role', `Bearer ${token({ role: 'root' }, { subject: U1 })}`],
    ['malformed', 'Bearer not.a.jwt'],
  ])('answers 401 UNAUTHORIZED for %s', async (_, header) => {
    expect(await refusal(requestTo('anyone', header).allowed)).toEqual({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('answers 403 FORBIDDEN to a valid caller without the role', async () => {
    const header = `Bearer ${token({ role: 'customer' }, { subject: U1 })}`;
    expect(await refusal(requestTo('admins', header).allowed)).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(await requestTo('admins', `Bearer ${token({ role: 'admin' }, { subject: U1 })}`).allowed()).toBe(true);
  });

  describe('after the rate limiter verified the request', () => {
    afterEach(() => jest.restoreAllMocks());

    it('takes its caller rather than verify the token again', async () => {
      // passport-jwt's own hook for tests: every verification it makes goes through it.
      const passportVerifications = jest.spyOn(Strategy as unknown as { JwtVerifier: () => void }, 'JwtVerifier');
      const header = `Bearer ${token({ role: 'customer' }, { subject: U1 })}`;
      expect(await requestTo('anyone', header).allowed()).toBe(true);
      expect(passportVerifications).toHaveBeenCalledTimes(1);

      const { request, allowed } = requestTo('anyone', header);
      expect(verifier.verifyRequest(request)).toEqual({ id: U1, role: 'customer' });
      expect(await allowed()).toBe(true);
      expect(request.user).toEqual({ id: U1, role: 'customer' });
      expect(passportVerifications).toHaveBeenCalledTimes(1);
    });

    it('still answers 401 to a token it refused, and 403 without the role', async () => {
      const forged = requestTo(
        'anyone',
        `Bearer ${sign({ role: 'admin' }, 'another-secret-another-secret-0000', { subject: U1 })}`,
      );
      expect(verifier.verifyRequest(forged.request)).toBeNull();
      expect(await refusal(forged.allowed)).toEqual({ status: 401, code: 'UNAUTHORIZED' });
      const customer = requestTo('admins', `Bearer ${token({ role: 'customer' }, { subject: U1 })}`);
      verifier.verifyRequest(customer.request);
      expect(await refusal(customer.allowed)).toEqual({ status: 403, code: 'FORBIDDEN' });
    });
  });
});
