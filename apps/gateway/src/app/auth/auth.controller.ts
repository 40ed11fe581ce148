import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser, Public } from '@shop/auth-guard';
import { LoginDto, RefreshTokenDto, RegisterDto, TokenPairDto, UpdateMeDto, UserDto } from '@shop/contracts';
import { ApiProblems, BAD_BODY_PROBLEMS, COMMON_PROBLEMS } from '../docs/api-problems.decorator';
import { AuthApi } from '@shop/service-defaults';
import { StrictThrottle } from '../throttling/gateway-throttler.guard';

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
    description: 'Email is trimmed and unique regardless of case.',
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
  @ApiProblems({ ...BAD_BODY_PROBLEMS, 401: 'INVALID_CREDENTIALS', ...COMMON_PROBLEMS })
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
      'Returns a new pair; the presented token stops working. Presenting it again revokes every token issued from the same login.',
  })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiProblems({ ...BAD_BODY_PROBLEMS, 401: 'INVALID_REFRESH_TOKEN', ...COMMON_PROBLEMS })
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
