import { Module } from '@nestjs/common';
import { CatalogEventsModule } from '../events/catalog-events.module';
import { ReservationService } from './reservation.service';
import { ReservationsController } from './reservations.controller';
import { StockAdjustmentService } from './stock-adjustment.service';
import { StockAdjustmentsController } from './stock-adjustments.controller';

/** Stock: admins' adjustments, and the orders app's reservations (reserve, release, commit). */
@Module({
  imports: [CatalogEventsModule],
  controllers: [StockAdjustmentsController, ReservationsController],
  providers: [StockAdjustmentService, ReservationService],
})
export class StockModule {}
