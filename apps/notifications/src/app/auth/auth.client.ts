import type { OnApplicationShutdown } from '@nestjs/common';
import { AuthPattern, type MeRequest, type UserDto } from '@shop/contracts';
import type { ServiceClient } from '@shop/service-defaults';

/** Recipients come from auth through its contract: never from its tables. */
export class AuthClient implements OnApplicationShutdown {
  constructor(private readonly client: ServiceClient) {}

  /** The user's current email, name, phone and opt-ins; a 404 AppError when there is no such user. */
  user(userId: string): Promise<UserDto> {
    return this.client.send<UserDto, MeRequest>(AuthPattern.Me, { userId });
  }

  onApplicationShutdown(): void {
    this.client.close();
  }
}
