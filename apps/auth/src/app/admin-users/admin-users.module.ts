import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { UserAdminController } from './user-admin.controller';
import { UserAdmin } from './user-admin.service';

/** Account management by admins: listing, roles, disabling (which revokes sessions). */
@Module({ imports: [SessionsModule], controllers: [UserAdminController], providers: [UserAdmin] })
export class AdminUsersModule {}
