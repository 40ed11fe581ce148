import { Type } from 'class-transformer';
import { IsUUID, ValidateNested } from 'class-validator';
import { UpdateMeDto } from './update-me.dto';

/** `auth.me.update`: the caller the gateway verified, and the changes from the body. */
export class UpdateMeRequest {
  @IsUUID()
  userId: string;

  @ValidateNested()
  @Type(() => UpdateMeDto)
  changes: UpdateMeDto;
}
