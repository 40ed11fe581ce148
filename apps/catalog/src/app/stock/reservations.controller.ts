import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { CatalogPattern, type ReservationDto, ReservationRefDto, ReserveStockDto } from '@shop/contracts';
import { RpcData } from '@shop/service-defaults';
import { ReservationService } from './reservation.service';

@Controller()
export class ReservationsController {
  constructor(private readonly reservations: ReservationService) {}

  @MessagePattern(CatalogPattern.Reserve)
  reserve(@RpcData() dto: ReserveStockDto): Promise<ReservationDto> {
    return this.reservations.reserve(dto.orderId, dto.lines);
  }

  @MessagePattern(CatalogPattern.Release)
  release(@RpcData() dto: ReservationRefDto): Promise<ReservationDto> {
    return this.reservations.release(dto.orderId, dto.restockCommitted);
  }

  @MessagePattern(CatalogPattern.Commit)
  commit(@RpcData() dto: ReservationRefDto): Promise<ReservationDto> {
    return this.reservations.commit(dto.orderId);
  }
}
