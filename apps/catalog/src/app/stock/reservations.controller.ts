import { Controller } from '@nestjs/common';
import { CatalogContract, type ReservationDto, ReservationRefDto, ReserveStockDto } from '@shop/contracts';
import { Handles, RpcData } from '@shop/service-defaults';
import { ReservationService } from './reservation.service';

@Controller()
export class ReservationsController {
  constructor(private readonly reservations: ReservationService) {}

  @Handles(CatalogContract.operations.reserve)
  reserve(@RpcData() dto: ReserveStockDto): Promise<ReservationDto> {
    return this.reservations.reserve(dto.orderId, dto.lines);
  }

  @Handles(CatalogContract.operations.release)
  release(@RpcData() dto: ReservationRefDto): Promise<ReservationDto> {
    return this.reservations.release(dto.orderId, dto.restockCommitted);
  }

  @Handles(CatalogContract.operations.commit)
  commit(@RpcData() dto: ReservationRefDto): Promise<ReservationDto> {
    return this.reservations.commit(dto.orderId);
  }
}
