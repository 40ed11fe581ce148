import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AUTH_CONFIG, type AuthConfig } from '../auth.config';
import { UserService } from './user.service';

/** With ADMIN_EMAIL and ADMIN_PASSWORD set, every start makes sure that admin account exists with that password. */
@Injectable()
export class AdminAccountSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminAccountSeeder.name);

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly users: UserService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { admin } = this.config;
    if (!admin) return;
    const outcome = await this.users.ensureAdmin(admin.email, admin.password);
    this.logger.log(
      outcome === 'unchanged'
        ? `Admin account ${admin.email} is in place`
        : `Admin account ${admin.email} is in place with the password from ADMIN_PASSWORD; its sessions were revoked`,
    );
  }
}
