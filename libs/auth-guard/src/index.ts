export * from './access-token.verifier';
export * from './auth-guard.module';
export * from './authenticated-user';
export * from './current-user.decorator';
export * from './jwt-auth.guard';
export * from './jwt-key';
export * from './public.decorator';
export * from './roles.decorator';
