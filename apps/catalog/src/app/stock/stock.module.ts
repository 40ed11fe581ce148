import { Module } from '@nestjs/common';
import { ReservationService } from './reservation.service';
import { ReservationsController } from './reservations.controller';
import { StockAdjustmentService } from './stock-adjustment.service';
import { StockAdjustmentsController } from './stock-adjustments.controller';

/** Stock: admins' adjustments, and the orders app's reservations (reserve, release, commit). */
@Module({
  controllers: [StockAdjustmentsController, ReservationsController],
  providers: [StockAdjustmentService, ReservationService],
})
export class StockModule {}
