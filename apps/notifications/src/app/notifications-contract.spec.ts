import { deliverEvents, NotificationsContract } from '@shop/contracts';
import { contractMismatches } from '@shop/testing';
import { NotificationsAppModule } from './notifications-app.module';
import { loadNotificationsConfig } from './notifications.config';

describe('the notifications app and its contract', () => {
  it('handles every declared operation exactly once, and nothing undeclared but event delivery', () => {
    const module = NotificationsAppModule.forRoot(loadNotificationsConfig({}));
    // Events arrive through the events module's own operation (the event catalogue declares it).
    const mismatches = contractMismatches(NotificationsContract, module).filter(
      (mismatch) =>
        !mismatch.endsWith(`handles ${deliverEvents.pattern}, which the notifications contract does not declare`),
    );
    expect(mismatches).toEqual([]);
  });
});
