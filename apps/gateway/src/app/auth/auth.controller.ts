import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser, Public } from '@shop/auth-guard';
import {
  ChangePasswordDto,
  LoginDto,
  PasswordResetAcceptedDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  RefreshTokenDto,
  RegisterDto,
  TokenPairDto,
  UpdateMeDto,
  UserDto,
  VerifyEmailDto,
} from '@shop/contracts';
import { ApiProblems, BAD_BODY_PROBLEMS, COMMON_PROBLEMS } from '../docs/api-problems.decorator';
import { AuthApi } from '@shop/service-defaults';
import { StrictThrottle } from '../throttling/gateway-throttler.guard';
import { SessionId } from './session-id.decorator';

const RESET_ACCEPTED: PasswordResetAcceptedDto = {
  message: 'If an account has this email, a link to reset its password is on its way. It works once, for 30 minutes.',
};

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthApi) {}

  @Post('register')
  @Public()
  @StrictThrottle()
  @ApiOperation({
    operationId: 'register',
    summary: 'Create a customer account',
    description:
      'Email is trimmed and unique regardless of case. A link to verify the email is sent to it (`emailVerified` stays false until it is used).',
  })
  @ApiCreatedResponse({ type: UserDto })
  @ApiProblems({ ...BAD_BODY_PROBLEMS, 409: 'EMAIL_TAKEN', ...COMMON_PROBLEMS })
  register(@Body() dto: RegisterDto): Promise<UserDto> {
    return this.auth.register(dto);
  }

  @Post('login')
  @HttpCode(200)
  @Public()
  @StrictThrottle()
  @ApiOperation({ operationId: 'login', summary: 'Exchange email and password for an access and a refresh token' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiProblems({ ...BAD_BODY_PROBLEMS, 401: 'INVALID_CREDENTIALS, ACCOUNT_DISABLED', ...COMMON_PROBLEMS })
  login(@Body() dto: LoginDto): Promise<TokenPairDto> {
    return this.auth.login(dto);
  }

  @Post('refresh')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    operationId: 'refreshTokens',
    summary: 'Rotate a refresh token',
    description:
      'Returns a new pair, with the role as it is now; the presented token stops working. Presenting it again revokes every token issued from the same login.',
  })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiProblems({ ...BAD_BODY_PROBLEMS, 401: 'INVALID_REFRESH_TOKEN, ACCOUNT_DISABLED', ...COMMON_PROBLEMS })
  refresh(@Body() dto: RefreshTokenDto): Promise<TokenPairDto> {
    return this.auth.refresh(dto);
  }

  @Post('logout')
  @HttpCode(204)
  @Public()
  @ApiOperation({ operationId: 'logout', summary: 'Revoke a refresh token', description: 'Idempotent.' })
  @ApiNoContentResponse({ description: 'The refresh token no longer works.' })
  @ApiProblems({ ...BAD_BODY_PROBLEMS, ...COMMON_PROBLEMS })
  async logout(@Body() dto: RefreshTokenDto): Promise<void> {
    await this.auth.logout(dto);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'getMe', summary: "The caller's profile" })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems({ 401: 'UNAUTHORIZED', 404: 'NOT_FOUND', ...COMMON_PROBLEMS })
  me(@CurrentUser() user: AuthenticatedUser): Promise<UserDto> {
    return this.auth.me({ userId: user.id });
  }

  @Post('change-password')
  @HttpCode(204)
  @ApiBearerAuth()
  @StrictThrottle()
  @ApiOperation({
    operationId: 'changePassword',
    summary: 'Change your password',
    description:
      'Every other session (refresh token) is revoked; the one this access token came from stays open. Access tokens already issued work until they expire.',
  })
  @ApiNoContentResponse({ description: 'Changed.' })
  @ApiProblems({ ...BAD_BODY_PROBLEMS, 401: 'UNAUTHORIZED, INVALID_CREDENTIALS', ...COMMON_PROBLEMS })
  async changePassword(
    @CurrentUser() user: AuthenticatedUser,
    @SessionId() sessionId: string | undefined,
    @Body() dto: ChangePasswordDto,
  ): Promise<void> {
    await this.auth.changePassword({ ...dto, userId: user.id, sessionId });
  }

  @Post('password-reset')
  @HttpCode(202)
  @Public()
  @StrictThrottle()
  @ApiOperation({
    operationId: 'requestPasswordReset',
    summary: 'Ask for a password reset link by email',
    description:
      'Always 202 with the same body, whether or not the email has an account: the link is issued and mailed after the answer. It works once, for 30 minutes; asking again retires the previous link.',
  })
  @ApiResponse({ status: 202, type: PasswordResetAcceptedDto })
  @ApiProblems({ ...BAD_BODY_PROBLEMS, ...COMMON_PROBLEMS })
  async requestPasswordReset(@Body() dto: PasswordResetRequestDto): Promise<PasswordResetAcceptedDto> {
    await this.auth.requestPasswordReset(dto);
    return RESET_ACCEPTED;
  }

  @Post('password-reset/confirm')
  @HttpCode(204)
  @Public()
  @StrictThrottle()
  @ApiOperation({
    operationId: 'confirmPasswordReset',
    summary: 'Set a new password with the token from the reset link',
    description: 'Every session of the account is revoked. The link then also counts as verifying the email.',
  })
  @ApiNoContentResponse({ description: 'The password is set.' })
  @ApiProblems({
    ...BAD_BODY_PROBLEMS,
    400: 'INVALID_TOKEN, VALIDATION_FAILED, MALFORMED_JSON, BODY_TOO_DEEP',
    ...COMMON_PROBLEMS,
  })
  async confirmPasswordReset(@Body() dto: PasswordResetConfirmDto): Promise<void> {
    await this.auth.confirmPasswordReset(dto);
  }

  @Post('verify-email')
  @HttpCode(204)
  @Public()
  @ApiOperation({
    operationId: 'verifyEmail',
    summary: 'Verify your email with the token from the link',
    description: 'Single use.',
  })
  @ApiNoContentResponse({ description: '`emailVerified` is now true.' })
  @ApiProblems({
    ...BAD_BODY_PROBLEMS,
    400: 'INVALID_TOKEN, VALIDATION_FAILED, MALFORMED_JSON, BODY_TOO_DEEP',
    ...COMMON_PROBLEMS,
  })
  async verifyEmail(@Body() dto: VerifyEmailDto): Promise<void> {
    await this.auth.verifyEmail(dto);
  }

  @Post('verify-email/resend')
  @HttpCode(204)
  @ApiBearerAuth()
  @StrictThrottle()
  @ApiOperation({
    operationId: 'resendEmailVerification',
    summary: 'Send a new verification link to your email',
    description: 'Under the strict rate limit of login and register. The previous link stops working.',
  })
  @ApiNoContentResponse({ description: 'A new link is on its way.' })
  @ApiProblems({ 401: 'UNAUTHORIZED', 404: 'NOT_FOUND', 409: 'EMAIL_ALREADY_VERIFIED', ...COMMON_PROBLEMS })
  async resendVerification(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.auth.resendVerification({ userId: user.id });
  }

  @Patch('me')
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'updateMe',
    summary: 'Change your name, phone and notification choices',
    description:
      'Every field may be left out (unchanged). `phone` is E.164 (`+447700900123`) or null to remove it; ' +
      '`notifications.sms` sends a text when an order ships, if there is a phone.',
  })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems({ ...BAD_BODY_PROBLEMS, 401: 'UNAUTHORIZED', 404: 'NOT_FOUND', ...COMMON_PROBLEMS })
  updateMe(@CurrentUser() user: AuthenticatedUser, @Body() changes: UpdateMeDto): Promise<UserDto> {
    return this.auth.updateMe({ userId: user.id, changes });
  }
}
