import { AuthContract } from '@shop/contracts';
import { contractMismatches } from '@shop/testing';
import { AuthAppModule } from './auth-app.module';
import { loadAuthConfig } from './auth.config';

describe('the auth app and its contract', () => {
  it('handles every declared operation exactly once, and nothing undeclared', () => {
    expect(contractMismatches(AuthContract, AuthAppModule.forRoot(loadAuthConfig({})))).toEqual([]);
  });
});
