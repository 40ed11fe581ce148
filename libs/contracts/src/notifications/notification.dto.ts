import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { Omittable } from '../omittable.decorator';
import { PageOf } from '../page.dto';
import { PageQuery } from '../page.query';

export const NOTIFICATION_CHANNELS = ['email', 'sms'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
export const NOTIFICATION_STATUSES = ['queued', 'sent', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export class NotificationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid', description: 'The event that caused it; one message per (event, channel).' })
  eventId: string;

  @ApiProperty({ example: 'order-placed' })
  template: string;

  @ApiProperty({ enum: NOTIFICATION_CHANNELS })
  channel: NotificationChannel;

  @ApiProperty({ example: 'ada@example.com', description: 'Email address or E.164 phone number.' })
  recipient: string;

  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  orderId: string | null;

  @ApiProperty({ enum: NOTIFICATION_STATUSES })
  status: NotificationStatus;

  @ApiProperty({ example: 1 })
  attempts: number;

  @ApiPropertyOptional({ nullable: true })
  lastError: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  sentAt: string | null;
}

export class NotificationPageDto extends PageOf(NotificationDto, 'Newest first.') {}

export class NotificationListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @Omittable()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @Omittable()
  @IsUUID()
  orderId?: string;

  @ApiPropertyOptional({ enum: NOTIFICATION_STATUSES })
  @Omittable()
  @IsIn(NOTIFICATION_STATUSES)
  status?: NotificationStatus;

  @ApiPropertyOptional({ enum: NOTIFICATION_CHANNELS })
  @Omittable()
  @IsIn(NOTIFICATION_CHANNELS)
  channel?: NotificationChannel;
}
