import { defineContract, returns } from '../contract';
import { healthCheck } from '../health/health.contract';
import {
  type AddressDto,
  AddressBookRequest,
  AddressRequest,
  CreateAddressRequest,
  UpdateAddressRequest,
} from './address.dto';
import { LoginDto } from './login.dto';
import {
  ChangePasswordRequest,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  VerifyEmailDto,
} from './account-lifecycle.dto';
import { ListUsersQuery, SetUserRoleRequest, UserRefRequest, type UserPageDto } from './user-admin.dto';
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
  changePassword: {
    pattern: 'auth.password.change',
    request: ChangePasswordRequest,
    response: returns<null>(),
    retrySafe: false,
  },
  /** Answers at once, the same for any email; the token is issued and mailed off the request path. */
  requestPasswordReset: {
    pattern: 'auth.password.reset-request',
    request: PasswordResetRequestDto,
    response: returns<null>(),
    retrySafe: false,
  },
  confirmPasswordReset: {
    pattern: 'auth.password.reset-confirm',
    request: PasswordResetConfirmDto,
    response: returns<null>(),
    retrySafe: false,
  },
  verifyEmail: { pattern: 'auth.email.verify', request: VerifyEmailDto, response: returns<null>(), retrySafe: false },
  resendVerification: {
    pattern: 'auth.email.resend-verification',
    request: UserRefRequest,
    response: returns<null>(),
    retrySafe: false,
  },
  listUsers: { pattern: 'auth.users.list', request: ListUsersQuery, response: returns<UserPageDto>(), retrySafe: true },
  getUser: { pattern: 'auth.users.get', request: UserRefRequest, response: returns<UserDto>(), retrySafe: true },
  // Sets a value: a second delivery sets the same.
  setUserRole: {
    pattern: 'auth.users.set-role',
    request: SetUserRoleRequest,
    response: returns<UserDto>(),
    retrySafe: true,
  },
  disableUser: {
    pattern: 'auth.users.disable',
    request: UserRefRequest,
    response: returns<UserDto>(),
    retrySafe: true,
  },
  enableUser: { pattern: 'auth.users.enable', request: UserRefRequest, response: returns<UserDto>(), retrySafe: true },
  listAddresses: {
    pattern: 'auth.addresses.list',
    request: AddressBookRequest,
    response: returns<AddressDto[]>(),
    retrySafe: true,
  },
  /** Also how the orders app copies a book entry onto an order at checkout. */
  getAddress: {
    pattern: 'auth.addresses.get',
    request: AddressRequest,
    response: returns<AddressDto>(),
    retrySafe: true,
  },
  createAddress: {
    pattern: 'auth.addresses.create',
    request: CreateAddressRequest,
    response: returns<AddressDto>(),
    retrySafe: false,
  },
  // Sets the values it is given: a second delivery writes the same.
  updateAddress: {
    pattern: 'auth.addresses.update',
    request: UpdateAddressRequest,
    response: returns<AddressDto>(),
    retrySafe: true,
  },
  deleteAddress: {
    pattern: 'auth.addresses.delete',
    request: AddressRequest,
    response: returns<null>(),
    retrySafe: false,
  },
  // Sets the fields it names: the same request twice leaves the same profile (its event, twice).
  updateMe: { pattern: 'auth.me.update', request: UpdateMeRequest, response: returns<UserDto>(), retrySafe: true },
});
