import { defineContract, returns } from '../contract';
import { healthCheck } from '../health/health.contract';
import { LoginDto } from './login.dto';
import { MeRequest } from './me.request';
import { RefreshTokenDto } from './refresh-token.dto';
import { RegisterDto } from './register.dto';
import type { TokenPairDto } from './token-pair.dto';
import { UpdateMeRequest } from './update-me.request';
import type { UserDto } from './user.dto';

export const AuthContract = defineContract('auth', {
  health: healthCheck,
  register: { pattern: 'auth.register', request: RegisterDto, response: returns<UserDto>(), retrySafe: false },
  login: { pattern: 'auth.login', request: LoginDto, response: returns<TokenPairDto>(), retrySafe: false },
  // Single use: a second delivery would look like a stolen token and revoke the whole family.
  refresh: { pattern: 'auth.refresh', request: RefreshTokenDto, response: returns<TokenPairDto>(), retrySafe: false },
  logout: { pattern: 'auth.logout', request: RefreshTokenDto, response: returns<null>(), retrySafe: true },
  me: { pattern: 'auth.me', request: MeRequest, response: returns<UserDto>(), retrySafe: true },
  // Sets the fields it names: the same request twice leaves the same profile (its event, twice).
  updateMe: { pattern: 'auth.me.update', request: UpdateMeRequest, response: returns<UserDto>(), retrySafe: true },
});
